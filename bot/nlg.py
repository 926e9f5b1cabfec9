"""Renders every reply for the conversation's language, register and culture.

One renderer, two ways in: inside the Rasa process as its NLG (bot/rasa_nlg.py), so that
replies need no network hop and the bot still speaks while the action server is down; and
as the HTTP endpoint `POST /nlg` of the action server (Rasa's callback format).

Customers of a language we do not speak get the English text machine-translated (marked as
such), or, when translation is unavailable, English with a short apology. Additions go on
their own line: Rasa's channels split a text into separate messages at blank lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.culture.catalog import DEFAULT_REGISTER, ResponseCatalog
from bot.culture.profiles import CultureProfiles, Customer, local_time
from bot.culture.topics import TopicCatalog
from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.translation import Translator

logger = logging.getLogger(__name__)

# Keys of Rasa's NLG response format (rasa/core/nlg/callback.py).
_MESSAGE_KEYS = ("text", "buttons", "image", "elements", "attachments", "custom")
# From this conversation frustration on, replies carry no emoji.
SERIOUS_FRUSTRATION = 0.4
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+ ?", flags=re.UNICODE
)
# The argument with which a caller asks for topic quick replies (bot/culture/topics.py).
TOPICS_ARGUMENT = "topics"


@dataclass(frozen=True)
class ReplyRequest:
    """What the renderer needs to know about one reply.

    Attributes:
        response: the response key, e.g. "utter_greet" or "utter_faq/shipping_cost".
        arguments: values from the action that override the slots ({order_id}, topics).
        slots: the conversation's slots.
        latest_message: the parse result of the customer's latest message.
        first_reply_of_turn: whether no bot message answered that message yet.
        channel: the output channel's name ("twilio", "socketio", ...), if known.
    """

    response: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    slots: Mapping[str, Any] = field(default_factory=dict)
    latest_message: Mapping[str, Any] = field(default_factory=dict)
    first_reply_of_turn: bool = True
    channel: str | None = None

    @classmethod
    def from_callback_body(cls, body: Mapping[str, Any]) -> ReplyRequest:
        """Reads Rasa's NLG callback request: {"response", "arguments", "tracker", "channel"}."""
        tracker = body.get("tracker") or {}
        channel = body.get("channel")
        name = channel.get("name") if isinstance(channel, Mapping) else None
        return cls(
            response=str(body.get("response") or ""),
            arguments=body.get("arguments") or {},
            slots=tracker.get("slots") or {},
            latest_message=tracker.get("latest_message") or {},
            first_reply_of_turn=_first_reply_of_turn(tracker.get("events") or []),
            channel=name if isinstance(name, str) and name else None,
        )


@dataclass
class ReplyRenderer:
    """Renders replies from the catalog, the culture profiles, topics and a translator."""

    catalog: ResponseCatalog
    profiles: CultureProfiles
    translator: Translator | None = None
    topics: TopicCatalog = field(default_factory=TopicCatalog)

    def render(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Answers one request in Rasa's NLG callback format (see `render_request`)."""
        return self.render_request(ReplyRequest.from_callback_body(body))

    def render_request(self, request: ReplyRequest) -> dict[str, Any]:
        """Renders one reply.

        Variants written for the output channel (e.g. SMS) win over the general ones.

        Returns:
            A message in Rasa's NLG response format; {"text": None} for an unknown response.
        """
        values = {**request.slots, **request.arguments}
        language = reply_language(values, request.latest_message)
        supported = language in SUPPORTED_LANGUAGES
        text_language = language if supported else DEFAULT_LANGUAGE
        register = values.get("formality") or DEFAULT_REGISTER
        profile = self.profiles.profile(text_language, values.get("locale"))
        values["salutation"] = profile.salutation(
            register,
            Customer.from_metadata(values.get("customer")),
            local_time(values.get("timezone")),
        )
        rendered = self.catalog.render(
            request.response, text_language, register, values, request.channel
        )
        if rendered is None:
            logger.error("No text for response %r in any language.", request.response)
            return {"text": None}
        message = {key: rendered[key] for key in _MESSAGE_KEYS if rendered.get(key) is not None}
        topics = request.arguments.get(TOPICS_ARGUMENT) or self.topics.suggestions.get(
            request.response
        )
        if isinstance(topics, list) and topics:
            suggested = self.topics.buttons([str(key) for key in topics], text_language)
            message["buttons"] = [*suggested, *(message.get("buttons") or [])]
        if not profile.emoji or _frustration(values) >= SERIOUS_FRUSTRATION:
            message = _without_emoji(message)
        if not supported:
            message = self._for_unsupported_language(message, language, request)
        return message

    def needs_translation(self, request: ReplyRequest) -> bool:
        """Whether rendering may call the translation provider (slow: not on an event loop)."""
        values = {**request.slots, **request.arguments}
        return reply_language(values, request.latest_message) not in SUPPORTED_LANGUAGES

    def _for_unsupported_language(
        self, message: dict[str, Any], language: str, request: ReplyRequest
    ) -> dict[str, Any]:
        english = self.profiles.profile(DEFAULT_LANGUAGE).settings.get("machine_translation") or {}
        pivot_failed = _latest_translation(request.latest_message).get("status") == "unavailable"
        if self.translator is not None and not pivot_failed and "text" in message:
            translated = self._translated(message, language, str(english.get("note") or ""))
            if translated is not None:
                return translated
        if request.first_reply_of_turn and english.get("unavailable") and "text" in message:
            return {**message, "text": f"{english['unavailable']}\n{message['text']}"}
        return message

    def _translated(
        self, message: dict[str, Any], language: str, note: str
    ) -> dict[str, Any] | None:
        assert self.translator is not None
        text = self.translator.translate(str(message["text"]), DEFAULT_LANGUAGE, language)
        if text is None:
            return None
        local_note = self.translator.translate(note, DEFAULT_LANGUAGE, language) or note
        result = {**message, "text": f"{text}\n({local_note})" if local_note else text}
        if message.get("buttons"):
            result["buttons"] = [
                {**button, "title": self.translator.translate(
                    str(button.get("title", "")), DEFAULT_LANGUAGE, language
                ) or button.get("title")}
                for button in message["buttons"]
            ]
        return result


def default_renderer() -> ReplyRenderer:
    """The renderer over the project's data/ (domain.yml, responses, culture, topics)."""
    from bot.config import load_settings
    from bot.culture.resources import culture_profiles, topic_catalog

    settings = load_settings()
    return ReplyRenderer(
        ResponseCatalog.load(settings.domain_path, settings.responses_dir),
        culture_profiles(),
        Translator(),
        topic_catalog(),
    )


def reply_language(values: Mapping[str, Any], latest_message: Mapping[str, Any]) -> str:
    """The language to reply in: explicit argument or slot, else the last detection.

    Returns:
        A supported tag, or the ISO code of an unsupported language the conversation is in.
    """
    language = values.get("language")
    if isinstance(language, str) and language:
        return language
    detected = (latest_message.get("language") or {}).get("name")
    return detected if detected in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def _without_emoji(message: dict[str, Any]) -> dict[str, Any]:
    result = dict(message)
    if isinstance(result.get("text"), str):
        result["text"] = _EMOJI.sub("", result["text"]).strip()
    return result


def _frustration(values: Mapping[str, Any]) -> float:
    try:
        return float(values.get("frustration") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _latest_translation(latest_message: Mapping[str, Any]) -> Mapping[str, Any]:
    translation = latest_message.get("translation")
    return translation if isinstance(translation, Mapping) else {}


def _first_reply_of_turn(events: list[Mapping[str, Any]]) -> bool:
    for event in reversed(events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "user":
            return True
    return True
