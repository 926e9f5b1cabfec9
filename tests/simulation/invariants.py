"""The checks every turn of every conversation must pass (../shared/DESIGN.md), plus the
outcomes the pool's categories ask for.

Turn invariants (a conversation with one of these is broken):
- `silence`: no reply although no person has the conversation;
- `placeholder`: an unfilled {placeholder} in a reply;
- `repeat`: the same text twice in one turn;
- `too_many`: more than 4 bot messages;
- `language`: a reply not in the conversation's language (or no catalog text at all);
- `register`: a reply in a register the customer's culture does not expect here;
- `http_error`: the channel answered with an error;
- `circuit_breaker`: Rasa's circuit breaker tripped (checked in Rasa's log per run).
Outcomes (they measure how well the assistant understood; the bench reports them apart):
- `no_ticket`: an explicit request for a person opened no ticket;
- `rating_lost`: a rating given after the rating question was not thanked for (stored);
- `switch_ignored`: a request for another language was not followed;
- `no_empathy`: a complaint or insult did not get the empathy reply first;
- `spoke_during_handoff`: the bot talked while a person had the conversation;
- `cancel_ignored`: withdrawing the request for a person did not end the handoff.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.simulation.replies import Match

MAX_MESSAGES = 4
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_TICKET = frozenset({"utter_ticket_created", "utter_ticket_created_offline",
                     "utter_ticket_queued"})
_EMPATHY = frozenset({"utter_acknowledge_frustration", "utter_acknowledge_frustration_strong",
                      "utter_acknowledge_frustration_waiting", "utter_acknowledge_abuse",
                      "utter_sensitive_topic"})
INVARIANT_KINDS = ("silence", "placeholder", "repeat", "too_many", "language", "register",
                   "http_error", "circuit_breaker")
OUTCOME_KINDS = ("no_ticket", "rating_lost", "switch_ignored", "no_empathy",
                 "spoke_during_handoff", "cancel_ignored")


@dataclass(frozen=True)
class Violation:
    """One broken rule in one turn."""

    kind: str
    conversation: str
    turn: int
    language: str
    detail: str


@dataclass(frozen=True)
class TurnCheck:
    """Everything the checks need to know about one turn."""

    conversation: str
    turn: int
    category: str
    language: str
    replies: Sequence[dict[str, Any]]
    matches: Sequence[set[Match]]
    registers: set[str]
    handoff: bool
    pending: str | None


def check_turn(turn: TurnCheck) -> list[Violation]:
    """Every violation of one turn (empty when the turn is fine)."""
    found: list[tuple[str, str]] = []
    texts = [str(reply.get("text") or "") for reply in turn.replies]
    keys = {match.key for matches in turn.matches for match in matches}
    if any(reply.get("error") for reply in turn.replies):
        found.append(("http_error", texts[0]))
    if turn.handoff:
        if texts and turn.category != "cancel_requests":
            found.append(("spoke_during_handoff", texts[0]))
    elif not texts:
        found.append(("silence", "no reply"))
    for text in texts:
        if _PLACEHOLDER.search(text):
            found.append(("placeholder", text))
    repeated = [text for text, count in Counter(texts).items() if count > 1 and text]
    if repeated:
        found.append(("repeat", repeated[0]))
    if len(texts) > MAX_MESSAGES:
        found.append(("too_many", f"{len(texts)} messages"))
    language = turn.language
    for text, matches in zip(texts, turn.matches, strict=True):
        if not text or any(reply.get("error") for reply in turn.replies):
            continue
        in_language = {m for m in matches if m.language == language}
        if not in_language:
            seen = sorted({m.language for m in matches}) or ["no catalog text"]
            found.append(("language", f"{'/'.join(seen)}: {text[:120]}"))
        elif not {m.register for m in in_language} & turn.registers:
            found.append(("register", f"{sorted({m.register for m in in_language})}: {text[:120]}"))
    found.extend(_outcome(turn, keys))
    return [Violation(kind, turn.conversation, turn.turn, language, detail)
            for kind, detail in found]


def _outcome(turn: TurnCheck, keys: set[str]) -> list[tuple[str, str]]:
    if turn.handoff:
        if turn.category == "cancel_requests" and "utter_handoff_cancelled" not in keys:
            return [("cancel_ignored", f"{turn.category}: {sorted(keys)}")]
        return []
    if turn.category == "human_requests" and not keys & _TICKET:
        return [("no_ticket", f"{sorted(keys)}")]
    if turn.category == "ratings" and turn.pending == "rating" and (
        "utter_thanks_for_rating" not in keys
    ):
        return [("rating_lost", f"{sorted(keys)}")]
    if turn.category == "language_switch" and "utter_language_changed" not in keys:
        return [("switch_ignored", f"{sorted(keys)}")]
    first = {m.key for m in turn.matches[0]} if turn.matches else set()
    if turn.category in ("complaints", "insults") and not first & _EMPATHY:
        return [("no_empathy", f"{sorted(first)}")]
    return []
