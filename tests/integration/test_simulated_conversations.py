"""Seeded random conversations in all 11 language tags: every turn keeps the invariants.

`make bench-conversations` runs the same simulator with ten times as many conversations
and writes the report (bench/reports/conversations.md).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.config import load_settings
from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.nlu.register_identifier import RegisterIdentifier
from bot.topology import AssistantStack
from tests.integration.conftest import HELPDESK_TOKEN, TOKEN
from tests.simulation.invariants import INVARIANT_KINDS
from tests.simulation.replies import ReplyIndex
from tests.simulation.simulator import Simulator, circuit_breaker_trips

pytestmark = pytest.mark.integration

CONVERSATIONS = 330  # 30 per language tag
SEED = 13


def test_seeded_random_conversations_keep_every_invariant(
    stack: AssistantStack, catalog: ResponseCatalog, profiles: CultureProfiles
) -> None:
    log = stack.log_dir / "rasa.log"
    offset = log.stat().st_size
    simulator = Simulator(stack.rasa_url, TOKEN, stack.helpdesk_url, HELPDESK_TOKEN,
                          ReplyIndex.from_catalog(catalog), profiles,
                          RegisterIdentifier.from_culture_dir(load_settings().culture_dir))
    # Its own thread and loop: the browser tests' sync Playwright may own this thread's.
    with ThreadPoolExecutor(1) as pool:
        conversations = pool.submit(asyncio.run, simulator.run(CONVERSATIONS, SEED)).result()
    violations = [v for c in conversations for v in c.violations if v.kind in INVARIANT_KINDS]
    assert len(conversations) == CONVERSATIONS
    assert sum(len(c.turns) for c in conversations) >= 4 * CONVERSATIONS
    assert Counter(c.language for c in conversations) == Counter(
        {language: 30 for language in {c.language for c in conversations}}
    ) and len({c.language for c in conversations}) == 11
    examples = {v.kind: f"{v.conversation} turn {v.turn} ({v.language}): {v.detail}"
                for v in violations}
    assert Counter(v.kind for v in violations) == Counter(), examples
    assert circuit_breaker_trips(log, offset) == 0
