"""Reads conversations from Rasa's tracker store and flags the ones worth reviewing.

Rasa OSS has no route that lists conversations, so the workspace opens the same tracker
store Rasa writes to (from the endpoints file) with Rasa's own TrackerStore classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT

FLAGS = ("fallback", "low_confidence", "frustration_rose", "escalated", "low_csat", "didnt_help")
LOW_CONFIDENCE = 0.5
# The frustration scorer counts a message at 0.35 or more as frustrated.
FRUSTRATED = 0.35
LOW_CSAT = 2
FALLBACK_ACTIONS = {"action_default_fallback", "action_fallback"}
FALLBACK_INTENT = "nlu_fallback"
ESCALATION_ACTIONS = {"action_escalate"}
# Rasa's bookkeeping: nothing a support lead reviews or a story needs.
HIDDEN_ACTIONS = {
    "action_listen", "action_session_start", "action_extract_slots",
    "action_validate_slot_mappings", None,
}


@dataclass
class Turn:
    """One line of a transcript.

    `role` is "customer", "bot", "action" (an action the policies chose) or "loop" (a form
    started, `name`, or ended, None).
    Customer turns carry what NLU made of the message.
    """

    index: int
    role: str
    text: str
    at: str
    name: str | None = None
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    language_confidence: float | None = None
    frustration: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Conversation:
    """A conversation with its flags, and its transcript when asked for."""

    id: str
    started_at: str
    last_at: str
    language: str | None
    channel: str | None
    flags: list[str]
    max_frustration: float
    customer_messages: int
    turns: list[Turn] = field(default_factory=list)

    def as_dict(self, with_turns: bool = True) -> dict[str, Any]:
        """JSON-ready; the summary leaves the transcript out."""
        data = asdict(self)
        if not with_turns:
            data.pop("turns")
        return data


def _iso(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp or 0, tz=timezone.utc).isoformat(timespec="seconds")


def full_intent(parse: Mapping[str, Any]) -> str | None:
    """The full intent, with the FAQ topic for the retrieval intent (faq/<topic>)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == "faq":
        selector = (parse.get("response_selector") or {}).get("faq") or {}
        return (selector.get("response") or {}).get("intent_response_key") or intent
    return intent


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def analyse(sender_id: str, events: Iterable[Mapping[str, Any]]) -> Conversation:
    """Builds the transcript and the flags from a tracker's events (as dicts).

    Args:
        sender_id: the conversation id.
        events: the tracker's events in order, as Rasa serialises them.

    Returns:
        The conversation with every turn.
    """
    turns: list[Turn] = []
    flags: set[str] = set()
    frustration_slot = 0.0
    max_frustration = 0.0
    language: str | None = None
    channel: str | None = None
    asked_if_helped = False
    timestamps: list[float] = []
    for index, event in enumerate(events):
        kind = event.get("event")
        timestamps.append(float(event.get("timestamp") or 0))
        at = _iso(event.get("timestamp"))
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = full_intent(parse)
            confidence = _number((parse.get("intent") or {}).get("confidence"))
            detected = parse.get("language") or {}
            score = _number((parse.get("frustration") or {}).get("score"))
            channel = event.get("input_channel") or channel
            turns.append(Turn(
                index, "customer", event.get("text") or "", at, intent=intent,
                confidence=confidence, language=detected.get("name"),
                language_confidence=_number(detected.get("confidence")), frustration=score,
                entities=[
                    {"entity": e.get("entity"), "value": e.get("value")}
                    for e in parse.get("entities") or []
                ],
            ))
            language = language or detected.get("name")
            if intent == FALLBACK_INTENT:
                flags.add("fallback")
            if confidence is not None and confidence < LOW_CONFIDENCE:
                flags.add("low_confidence")
            if asked_if_helped and intent == "deny":
                flags.add("didnt_help")
            asked_if_helped = False
            if score is not None:
                max_frustration = max(max_frustration, score)
        elif kind == "bot":
            said = (event.get("metadata") or {}).get("utter_action")
            turns.append(Turn(index, "bot", event.get("text") or "", at, name=said))
            if said == "utter_did_that_help":
                asked_if_helped = True
        elif kind == "action":
            name = event.get("name")
            if name in FALLBACK_ACTIONS:
                flags.add("fallback")
            if name in ESCALATION_ACTIONS:
                flags.add("escalated")
            if name == "utter_did_that_help":
                asked_if_helped = True
            if name not in HIDDEN_ACTIONS:
                turns.append(Turn(index, "action", "", at, name=name))
        elif kind == "active_loop":
            turns.append(Turn(index, "loop", "", at, name=event.get("name")))
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "language" and value:
                language = str(value)
            elif name == "frustration" and _number(value) is not None:
                level = float(value)
                if level > frustration_slot and level >= FRUSTRATED:
                    flags.add("frustration_rose")
                frustration_slot = level
                max_frustration = max(max_frustration, level)
            elif name == "ticket_id" and value:
                flags.add("escalated")
            elif name == "csat_score":
                csat = _number(value)
                if csat is not None and csat <= LOW_CSAT:
                    flags.add("low_csat")
    if max_frustration >= FRUSTRATED:
        # A single angry message counts as frustration rising from a calm start.
        flags.add("frustration_rose")
    stamps = [t for t in timestamps if t] or [0.0]
    return Conversation(
        id=sender_id,
        started_at=_iso(min(stamps)),
        last_at=_iso(max(stamps)),
        language=language,
        channel=channel,
        flags=[flag for flag in FLAGS if flag in flags],
        max_frustration=round(max_frustration, 3),
        customer_messages=sum(1 for turn in turns if turn.role == "customer"),
        turns=turns,
    )


@dataclass(frozen=True)
class ConversationFilter:
    """What the support lead asked for; empty fields match everything."""

    language: str | None = None
    channel: str | None = None
    since: date | None = None
    until: date | None = None
    flags: tuple[str, ...] = ()

    def matches(self, conversation: Conversation) -> bool:
        """Whether the conversation passes every given criterion (flags: all of them)."""
        last = datetime.fromisoformat(conversation.last_at).date()
        return (
            (not self.language or conversation.language == self.language)
            and (not self.channel or conversation.channel == self.channel)
            and (self.since is None or last >= self.since)
            and (self.until is None or last <= self.until)
            and all(flag in conversation.flags for flag in self.flags)
        )


class InvalidFilter(ValueError):
    """A filter value the support lead can correct (shown as a 400)."""


def parse_filter(arguments: Mapping[str, str | None]) -> ConversationFilter:
    """Builds a filter from query arguments or CLI options.

    Raises:
        InvalidFilter: an unknown flag or a date that is not YYYY-MM-DD.
    """
    flags = tuple(f for f in (arguments.get("flags") or "").replace(" ", "").split(",") if f)
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise InvalidFilter(f"unknown flag(s) {', '.join(unknown)}; known: {', '.join(FLAGS)}")
    dates: dict[str, date | None] = {}
    for name in ("since", "until"):
        value = arguments.get(name)
        try:
            dates[name] = date.fromisoformat(value) if value else None
        except ValueError:
            raise InvalidFilter(f"'{name}' must be a date like 2026-11-26") from None
    return ConversationFilter(
        language=arguments.get("language") or None,
        channel=arguments.get("channel") or None,
        since=dates["since"],
        until=dates["until"],
        flags=flags,
    )


class ConversationReader:
    """Reads conversations through Rasa's TrackerStore for the configured endpoints."""

    def __init__(self, endpoints_file: Path) -> None:
        """Remembers the endpoints file; the store is opened on first use."""
        self.endpoints_file = endpoints_file
        self._store: Any = None

    def store(self) -> Any:
        """Rasa's tracker store named in the endpoints file (in memory when none is)."""
        if self._store is None:
            from rasa.core.tracker_store import TrackerStore
            from rasa.utils.endpoints import read_endpoint_config

            source = self.endpoints_file
            if not source.exists():
                # Rasa has not been started with a runtime file (yet): the defaults.
                source = PROJECT_ROOT / "endpoints.yml"
            config = read_endpoint_config(str(source), "tracker_store")
            if config is not None and config.kwargs.get("dialect") == "sqlite":
                database = Path(str(config.kwargs.get("db", "rasa.db")))
                if not database.is_absolute():
                    # Rasa resolves it against its working directory: the project root.
                    config.kwargs["db"] = str(PROJECT_ROOT / database)
            store = TrackerStore.create(config)
            if source != self.endpoints_file:
                return store  # not kept: the runtime file may appear later
            self._store = store
        return self._store

    async def get(self, conversation_id: str) -> Conversation | None:
        """One conversation with its transcript (every session), or None."""
        tracker = await self.store().retrieve_full_tracker(conversation_id)
        if tracker is None or not tracker.events:
            return None
        return analyse(conversation_id, [event.as_dict() for event in tracker.events])

    async def list(
        self, criteria: ConversationFilter = ConversationFilter(), limit: int = 200
    ) -> list[Conversation]:
        """Conversations matching `criteria`, newest activity first.

        Every tracker is read: fine for a support team's review queue, and the only
        portable way through Rasa's TrackerStore interface.
        """
        found = []
        for conversation_id in await self.store().keys():
            conversation = await self.get(conversation_id)
            if conversation is not None and criteria.matches(conversation):
                found.append(conversation)
        found.sort(key=lambda c: c.last_at, reverse=True)
        return found[:limit]
