"""Hands a conversation to the human ticket queue: the ticket, the transcript, the promise.

Used by `action_escalate` (the customer asked for a person) and by the frustration flow
(sensitive topics). When the helpdesk is down the ticket goes to the durable outbox and
the customer is told so honestly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_skeleton

from bot.config import load_settings
from bot.culture.formatting import babel_locale
from bot.culture.profiles import local_time
from bot.culture.resources import wait_phrases
from bot.frustration import full_intent
from bot.helpdesk.client import HelpdeskClient
from bot.helpdesk.hours import AgentHours
from bot.helpdesk.outbox import Outbox
from bot.languages import DEFAULT_LANGUAGE
from bot.service_client import ServiceUnavailable

logger = logging.getLogger(__name__)

_MAX_SUBJECT_CHARS = 80


@dataclass
class Escalation:
    """What to tell the customer and which slots to set after escalating."""

    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConversationView:
    """The parts of a conversation a ticket needs (from a rasa-sdk Tracker)."""

    sender_id: str
    events: Sequence[Mapping[str, Any]]
    slots: Mapping[str, Any]

    def ticket_payload(self, topic: str | None) -> dict[str, Any]:
        """The ticket body for the helpdesk API, with the full transcript."""
        users = [e for e in self.events if e.get("event") == "user"]
        latest = users[-1] if users else {}
        intent = full_intent(latest) if latest else ""
        last_text = str(latest.get("text") or "")
        customer = self.slots.get("customer")
        customer = customer if isinstance(customer, dict) else {}
        details = {
            "intent": intent, "language": self.slots.get("language"),
            "order_id": self.slots.get("order_id"), "frustration": self.slots.get("frustration"),
        }
        return {
            "conversation_id": self.sender_id,
            "channel": latest.get("input_channel") or "unknown",
            "customer": customer or {},
            "language": self.slots.get("language") or DEFAULT_LANGUAGE,
            "register": self.slots.get("formality") or "formal",
            "frustration": float(self.slots.get("frustration") or 0.0),
            "topic": topic or intent,
            "subject": (f"{intent}: {last_text}" if intent else last_text)[:_MAX_SUBJECT_CHARS],
            "summary": ", ".join(f"{k}={v}" for k, v in details.items() if v not in (None, "")),
            "transcript": transcript(self.events),
        }

    def idempotency_key(self) -> str:
        """Stable for one customer message, so a retried action never opens a second ticket."""
        users = [e for e in self.events if e.get("event") == "user"]
        stamp = users[-1].get("timestamp") if users else ""
        return f"{self.sender_id}:{len(users)}:{stamp}"


def transcript(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Customer and bot messages in order: [{"role", "text", "at"}]."""
    entries = []
    for event in events:
        role = {"user": "customer", "bot": "bot"}.get(str(event.get("event")))
        text = event.get("text")
        if role and text:
            stamp = event.get("timestamp")
            at = (
                datetime.fromtimestamp(float(stamp), tz=timezone.utc).isoformat()
                if isinstance(stamp, (int, float)) else None
            )
            entries.append({"role": role, "text": str(text), "at": at})
    return entries


def escalate(
    conversation: ConversationView,
    client: HelpdeskClient,
    outbox: Outbox,
    hours: AgentHours,
    topic: str | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Creates the ticket (or queues it) and says what happens next."""
    payload = conversation.ticket_payload(topic)
    key = conversation.idempotency_key()
    language = str(payload["language"])
    try:
        ticket = client.create_ticket(payload, key)
    except ServiceUnavailable as error:
        logger.warning("Helpdesk unavailable (%s); ticket %s goes to the outbox.", error, key)
        outbox.put(key, "POST", "/api/tickets", payload, {"Idempotency-Key": key})
        # Honest about the delay, and the other ways to reach a person meanwhile.
        return Escalation([("utter_ticket_queued", {}), ("utter_human_contact", {})],
                          {"handoff_active": False})
    try:
        queue = len(client.tickets(status="open"))
    except ServiceUnavailable:
        queue = 0
    expected = hours.expected_reply(language, now or datetime.now(timezone.utc), queue)
    slots = {"ticket_id": str(ticket["id"]), "handoff_active": True}
    if expected.online:
        wait = wait_phrases().phrase(expected.wait_minutes, language)
        reply = ("utter_ticket_created", {"ticket_id": ticket["id"], "wait": wait})
    else:
        reply_by = _reply_by_text(expected.reply_by, language, conversation.slots)
        reply = ("utter_ticket_created_offline", {"ticket_id": ticket["id"], "reply_by": reply_by})
    return Escalation([reply], slots)


def _reply_by_text(moment: datetime | None, language: str, slots: Mapping[str, Any]) -> str:
    """E.g. "Mo., 08:00" in the customer's time zone, or with the team's zone named."""
    if moment is None:
        return "-"
    locale = babel_locale(language, slots.get("locale"))
    customer_time = local_time(slots.get("timezone"))
    if customer_time is not None:
        return format_skeleton("EEEEHm", moment.astimezone(customer_time.tzinfo), locale=locale)
    team_zone = moment.tzinfo if isinstance(moment.tzinfo, ZoneInfo) else timezone.utc
    text = format_skeleton("EEEEHm", moment, locale=locale)
    return f"{text} ({format_datetime(moment, 'zzzz', tzinfo=team_zone, locale=locale)})"


@dataclass(frozen=True)
class HelpdeskLink:
    """Everything the action server needs to reach the helpdesk."""

    client: HelpdeskClient
    outbox: Outbox
    hours: AgentHours

    def deliver(self, key: str, method: str, path: str, payload: Mapping[str, Any]) -> bool:
        """Sends a call now, or leaves it in the outbox for later; True if sent now.

        `key` must be stable for this one call: a replay with the same key is dropped.
        """
        try:
            self.client.send(method, path, payload)
            return True
        except ServiceUnavailable as error:
            logger.warning("Helpdesk unavailable (%s); %s %s goes to the outbox.",
                           error, method, path)
            self.outbox.put(key, method, path, payload)
            return False


@lru_cache(maxsize=1)
def helpdesk_link() -> HelpdeskLink:
    """The process-wide link, configured from the environment and data/helpdesk.yml."""
    settings = load_settings()
    return HelpdeskLink(
        HelpdeskClient.from_environment(),
        Outbox.in_var_dir(settings.var_dir),
        AgentHours.load(settings.data_dir / "helpdesk.yml"),
    )
