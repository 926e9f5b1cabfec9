"""Rasa's NLG endpoint: renders each reply for the conversation's language, register and culture.

Customers of a language we do not speak get the English text machine-translated (marked as
such), or, when translation is unavailable, English with a short apology. Additions go on
their own line: Rasa's channels split a text into separate messages at blank lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.culture.catalog import DEFAULT_REGISTER, ResponseCatalog
from bot.culture.profiles import CultureProfiles, Customer, local_time
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


@dataclass
class ReplyRenderer:
    """Answers Rasa's NLG requests from the catalog, the culture profiles and a translator."""

    catalog: ResponseCatalog
    profiles: CultureProfiles
    translator: Translator | None = None

    def render(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Answers one NLG request.

        Args:
            body: Rasa's request: {"response", "arguments", "tracker", "channel"}; variants
                written for the output channel (e.g. SMS) win over the general ones.

        Returns:
            A message in Rasa's NLG response format; {"text": None} for an unknown response.
        """
        response = str(body.get("response") or "")
        arguments = body.get("arguments") or {}
        tracker = body.get("tracker") or {}
        slots = tracker.get("slots") or {}
        values = {**slots, **arguments}
        language = reply_language(values, tracker)
        supported = language in SUPPORTED_LANGUAGES
        register = values.get("formality") or DEFAULT_REGISTER
        profile = self.profiles.profile(language if supported else DEFAULT_LANGUAGE,
                                        values.get("locale"))
        values["salutation"] = profile.salutation(
            register,
            Customer.from_metadata(values.get("customer")),
            local_time(values.get("timezone")),
        )
        rendered = self.catalog.render(
            response, language if supported else DEFAULT_LANGUAGE, register, values,
            output_channel(body),
        )
        if rendered is None:
            logger.error("No text for response %r in any language.", response)
            return {"text": None}
        message = {key: rendered[key] for key in _MESSAGE_KEYS if rendered.get(key) is not None}
        if not profile.emoji or _frustration(values) >= SERIOUS_FRUSTRATION:
            message = _without_emoji(message)
        if not supported:
            message = self._for_unsupported_language(message, language, tracker)
        return message

    def _for_unsupported_language(
        self, message: dict[str, Any], language: str, tracker: Mapping[str, Any]
    ) -> dict[str, Any]:
        english = self.profiles.profile(DEFAULT_LANGUAGE).settings.get("machine_translation") or {}
        pivot_failed = _latest_translation(tracker).get("status") == "unavailable"
        if self.translator is not None and not pivot_failed and "text" in message:
            translated = self._translated(message, language, str(english.get("note") or ""))
            if translated is not None:
                return translated
        if _first_reply_of_turn(tracker) and english.get("unavailable") and "text" in message:
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


def output_channel(body: Mapping[str, Any]) -> str | None:
    """The name of the channel the reply goes out on ("twilio", "slack", ...), if Rasa says."""
    channel = body.get("channel")
    name = channel.get("name") if isinstance(channel, Mapping) else None
    return name if isinstance(name, str) and name else None


def reply_language(values: Mapping[str, Any], tracker: Mapping[str, Any]) -> str:
    """The language to reply in: explicit argument or slot, else the last detection.

    Returns:
        A supported tag, or the ISO code of an unsupported language the conversation is in.
    """
    language = values.get("language")
    if isinstance(language, str) and language:
        return language
    detected = ((tracker.get("latest_message") or {}).get("language") or {}).get("name")
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


def _latest_translation(tracker: Mapping[str, Any]) -> Mapping[str, Any]:
    translation = (tracker.get("latest_message") or {}).get("translation")
    return translation if isinstance(translation, Mapping) else {}


def _first_reply_of_turn(tracker: Mapping[str, Any]) -> bool:
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "user":
            return True
    return True
