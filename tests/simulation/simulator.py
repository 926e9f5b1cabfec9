"""Seeded random conversations against the running assistant, checked turn by turn.

Each simulated customer writes in one of the 11 language tags (and may ask to switch),
formally or informally, sending a locale like the website widget does. Its messages come
from the pool (tests/simulation/pool/): real questions, order numbers, acknowledgements,
thanks, closings, emoji, ratings, insults, complaints, requests for a person, language
switches, noise. When the bot hands the conversation to a person, a simulated agent
answers through the helpdesk API and then hands back or resolves the ticket.

Every turn is checked (tests/simulation/invariants.py); each conversation is a
`Conversation` with its turns and violations.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.culture.profiles import MIRROR_CONFIDENCE, CultureProfiles
from bot.dialogue_context import RATING, pending_question
from bot.languages import SUPPORTED_LANGUAGES, language_from_locale
from bot.nlu.register_identifier import RegisterIdentifier
from tests.simulation.invariants import INVARIANT_KINDS, TurnCheck, Violation, check_turn
from tests.simulation.pool import LanguagePool, language_pool
from tests.simulation.replies import ReplyIndex

# Locales a widget customer of each language may send (None: a channel that tells none;
# such customers open with a message in their language).
LOCALES: dict[str, tuple[str | None, ...]] = {
    "en": ("en-GB", "en-US", None), "hi": ("hi-IN",), "hi-Latn": ("hi-IN", "en-IN"),
    "es": ("es-ES", "es-MX", None), "fr": ("fr-FR", "fr-CA", None), "de": ("de-DE", "de-AT"),
    "pt": ("pt-BR", "pt-PT"), "it": ("it-IT", None), "ja": ("ja-JP",), "zh": ("zh-CN",),
    "ar": ("ar-EG", "ar-SA"),
}
TICKET_REPLIES = frozenset({"utter_ticket_created", "utter_ticket_created_offline"})
DEMO_ORDERS = ("482913", "519204", "730018", "264590", "358871", "601342", "947216", "112358")
AGENT_REPLY = "Agent reply from the simulation."


@dataclass
class Turn:
    """One customer message and the bot's answer to it."""

    category: str
    text: str
    language: str
    replies: list[dict[str, Any]]
    seconds: float
    violations: list[Violation] = field(default_factory=list)


@dataclass
class Conversation:
    """One simulated conversation."""

    sender: str
    language: str
    locale: str | None
    informal: bool
    turns: list[Turn] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        """Every violation of every turn, invariants and outcomes."""
        return [violation for turn in self.turns for violation in turn.violations]

    @property
    def broken(self) -> bool:
        """Whether a turn broke an invariant (outcomes measure understanding, not breakage)."""
        return any(violation.kind in INVARIANT_KINDS for violation in self.violations)


@dataclass
class _State:
    language: str
    registers_used: dict[str, set[str]] = field(default_factory=dict)
    pending: str | None = None
    handoff: bool = False
    handoff_turns: int = 0
    ticket_id: int | None = None


@dataclass
class Simulator:
    """Runs simulated conversations against Rasa's REST channel and the helpdesk API."""

    rasa_url: str
    rasa_token: str
    helpdesk_url: str
    helpdesk_token: str
    index: ReplyIndex
    profiles: CultureProfiles
    registers: RegisterIdentifier

    async def run(
        self, count: int, seed: int, concurrency: int = 6, turns: tuple[int, int] = (4, 8),
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
    ) -> list[Conversation]:
        """Runs `count` conversations (seeded: the same seed gives the same messages)."""
        semaphore = asyncio.Semaphore(concurrency)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as session:

            async def one(number: int) -> Conversation:
                rng = random.Random(f"{seed}:{number}")
                language = languages[number % len(languages)]
                async with semaphore:
                    return await self._conversation(session, rng, number, seed, language, turns)

            return list(await asyncio.gather(*(one(n) for n in range(count))))

    async def _conversation(
        self, session: aiohttp.ClientSession, rng: random.Random, number: int, seed: int,
        language: str, turns: tuple[int, int],
    ) -> Conversation:
        locale = rng.choice(LOCALES[language])
        conversation = Conversation(
            f"sim-{seed}-{number}", language, locale, informal=rng.random() < 0.3,
        )
        state = _State(language)
        for index in range(rng.randint(*turns)):
            category, text, target = self._next_message(rng, state, conversation, index)
            started = time.monotonic()
            replies = await self._say(session, conversation, text)
            turn = Turn(category, text, state.language, replies, time.monotonic() - started)
            matched = [self.index.matches(str(r.get("text") or "")) for r in replies]
            keys = [key for m in matched for key in sorted({x.key for x in m})[:1]]
            # The reply to a switch the bot followed is in the new language; one it did not
            # follow (an outcome miss) stays in the old one.
            language = target if target and "utter_language_changed" in keys else (
                state.language)
            turn.violations = check_turn(TurnCheck(
                conversation.sender, index, category, language, replies, matched,
                self._allowed_registers(language, state, conversation.locale),
                state.handoff, state.pending,
            ))
            conversation.turns.append(turn)
            await self._advance(session, rng, state, conversation, keys, target)
        return conversation

    def _next_message(
        self, rng: random.Random, state: _State, conversation: Conversation, index: int
    ) -> tuple[str, str, str | None]:
        """(category, text, language asked for) of the customer's next message."""
        pool = language_pool(state.language)
        if state.handoff:
            category = "cancel_requests" if rng.random() < 0.15 else rng.choice(
                ["acknowledgements", "thanks", "complaints", "questions", "order_number"]
            )
        elif state.pending == RATING and rng.random() < 0.7:
            category = "ratings"
        elif state.pending == "order_number" and rng.random() < 0.7:
            category = "order_number"
        elif index == 0:
            category = _weighted(rng, {"greetings": 3, "questions": 5, "order_with_number": 1,
                                       "human_requests": 0.5, "complaints": 0.5})
        else:
            category = _weighted(rng, {
                "questions": 25, "acknowledgements": 14, "thanks": 8, "closings": 5,
                "denials": 6, "emoji": 4, "ratings": 2, "noise": 4, "insults": 3, "off_topic": 4,
                "human_requests": 5, "complaints": 4, "order_with_number": 4, "greetings": 2,
                "language_switch": 3,
            })
        locale_says = language_from_locale(conversation.locale) == conversation.language
        if index == 0 and not locale_says and category not in (
            "questions", "human_requests", "complaints"
        ):
            # Without a locale of its own language ("en-IN" for Hinglish), the customer's
            # first words set the language: they must say something in it.
            category = "questions"
        return self._message(rng, pool, state, conversation, category)

    def _message(
        self, rng: random.Random, pool: LanguagePool, state: _State,
        conversation: Conversation, category: str,
    ) -> tuple[str, str, str | None]:
        category, text, target = self._pick(rng, pool, state, conversation, category)
        # The register the customer's words show, as the assistant's detector reads it;
        # in cultures that mirror, the reply may follow it (the register invariant).
        guess = self.registers.identify(text, state.language)
        if guess.confidence >= MIRROR_CONFIDENCE:
            state.registers_used.setdefault(state.language, set()).add(guess.name)
        return category, text, target

    def _pick(
        self, rng: random.Random, pool: LanguagePool, state: _State,
        conversation: Conversation, category: str,
    ) -> tuple[str, str, str | None]:
        informal = pool.informal if conversation.informal else {}
        if category == "language_switch":
            target = rng.choice(sorted(pool.language_switch))
            return category, pool.language_switch[target], target
        if category == "emoji":
            return category, rng.choice(["👍", "🙂", "🙏", "👌", "😊"]), None
        if category == "ratings":
            return category, rng.choice(pool.ratings[rng.randint(1, 5)]), None
        if category == "questions":
            questions = informal.get("questions") if informal and rng.random() < 0.6 else None
            source = questions or pool.questions
            if questions:
                state.registers_used.setdefault(state.language, set()).add("informal")
            return category, rng.choice(source[rng.choice(sorted(source))]), None
        if informal.get(category) and rng.random() < 0.6:
            state.registers_used.setdefault(state.language, set()).add("informal")
            return category, rng.choice(informal[category]), None
        text = rng.choice(pool.lists[category])
        if "{order_id}" in text:
            text = text.replace("{order_id}", rng.choice(DEMO_ORDERS))
        return category, text, None

    async def _advance(
        self, session: aiohttp.ClientSession, rng: random.Random, state: _State,
        conversation: Conversation, keys: list[str], target: str | None,
    ) -> None:
        """Updates what the customer knows after the bot's answer; plays the agent."""
        if target is not None and "utter_language_changed" in keys:
            state.language = target
        if TICKET_REPLIES & set(keys):
            state.handoff, state.handoff_turns = True, 0
            state.ticket_id = await self._ticket_of(session, conversation.sender)
        if "utter_handoff_cancelled" in keys:
            state.handoff = False
        state.pending = pending_question(keys)
        if not state.handoff:
            return
        state.handoff_turns += 1
        if state.handoff_turns >= rng.randint(1, 3) and state.ticket_id is not None:
            ending = rng.choice(["handback", "resolve"])
            await self._agent(session, state.ticket_id, "reply", {"agent": "Sim", "text": AGENT_REPLY})
            await self._agent(session, state.ticket_id, ending, {})
            state.handoff = False
            state.pending = RATING if ending == "resolve" else "anything_else"

    async def _say(
        self, session: aiohttp.ClientSession, conversation: Conversation, text: str
    ) -> list[dict[str, Any]]:
        metadata = {"locale": conversation.locale} if conversation.locale else {}
        async with session.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": conversation.sender, "message": text, "metadata": metadata},
            headers={"Authorization": f"Bearer {self.rasa_token}"},
        ) as answer:
            if answer.status != 200:
                return [{"text": f"HTTP {answer.status}", "error": True}]
            return list(await answer.json())

    async def _ticket_of(self, session: aiohttp.ClientSession, sender: str) -> int | None:
        async with session.get(
            f"{self.helpdesk_url}/api/tickets", params={"conversation_id": sender},
            headers={"Authorization": f"Bearer {self.helpdesk_token}"},
        ) as answer:
            tickets = await answer.json() if answer.status == 200 else []
        open_tickets = [t for t in tickets if t.get("handoff_active")]
        return int(open_tickets[0]["id"]) if open_tickets else None

    async def _agent(
        self, session: aiohttp.ClientSession, ticket_id: int, operation: str,
        body: dict[str, Any],
    ) -> None:
        async with session.post(
            f"{self.helpdesk_url}/api/tickets/{quote(str(ticket_id))}/{operation}", json=body,
            headers={"Authorization": f"Bearer {self.helpdesk_token}"},
        ) as answer:
            await answer.read()

    def _allowed_registers(self, language: str, state: _State, locale: str | None) -> set[str]:
        from bot.languages import REGISTER_LANGUAGES

        if language not in REGISTER_LANGUAGES:
            return {"formal"}
        profile = self.profiles.profile(language, locale)
        if not profile.mirror_register:
            return {profile.default_register}
        return {profile.default_register} | state.registers_used.get(language, set())


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, [weights[name] for name in names])[0]


CIRCUIT_BREAKER_LINE = "Circuit breaker tripped"


def circuit_breaker_trips(rasa_log: Path, offset: int = 0) -> int:
    """How often Rasa's circuit breaker tripped in its log after byte `offset`."""
    if not rasa_log.exists():
        return 0
    with rasa_log.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace").count(CIRCUIT_BREAKER_LINE)
