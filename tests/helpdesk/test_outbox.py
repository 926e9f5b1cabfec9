"""The outbox against the real helpdesk service: retries, backoff, dead letters, targets."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

import bot.helpdesk.outbox as outbox_module
from bot.helpdesk.client import HelpdeskClient
from bot.helpdesk.outbox import HELPDESK_TARGET, RASA_TARGET, Outbox
from bot.helpdesk.store import TicketStore
from bot.rasa_client import RasaClient
from tests.helpdesk.conftest import API_TOKEN, FakeRasa, dead_url, ticket_body


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(f"sqlite:///{tmp_path / 'outbox.db'}")


def ticket_call(outbox: Outbox, **overrides: object) -> str:
    key = uuid.uuid4().hex
    outbox.put(key, "POST", "/api/tickets", ticket_body(**overrides), {"Idempotency-Key": key})
    return key


def test_a_down_helpdesk_is_retried_later_not_hammered(outbox: Outbox) -> None:
    senders = {HELPDESK_TARGET: HelpdeskClient(dead_url(), API_TOKEN, timeout=1)}
    ticket_call(outbox)
    ticket_call(outbox)
    assert outbox.deliver(senders) == 0
    first, second = outbox.pending()
    assert (first["attempts"], second["attempts"]) == (1, 0)  # the round stopped at the target
    assert first["next_attempt_at"].replace(tzinfo=timezone.utc) > datetime.now(timezone.utc)
    assert outbox.deliver(senders) == 0
    assert outbox.pending()[0]["attempts"] == 1  # not due yet: no second try


def test_a_refused_entry_goes_to_the_dead_letter_and_blocks_nothing(
    outbox: Outbox, helpdesk: str, store: TicketStore
) -> None:
    huge = [{"role": "customer", "text": "x" * 4000, "at": None}] * 200  # over 512 KB
    poisoned = ticket_call(outbox, transcript=huge)
    fine = ticket_call(outbox, conversation_id="after-the-poison")
    assert outbox.deliver({HELPDESK_TARGET: HelpdeskClient(helpdesk, API_TOKEN)}) == 1
    [dead] = outbox.dead_letters()
    assert dead["key"] == poisoned and "413" in dead["last_error"]
    assert outbox.pending() == []
    assert [t["conversation_id"] for t in store.list()] == ["after-the-poison"]
    assert fine not in {entry["key"] for entry in outbox.dead_letters()}


def test_an_entry_that_keeps_failing_is_given_up(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "MAX_ATTEMPTS", 2)
    monkeypatch.setattr(outbox_module, "FIRST_RETRY_SECONDS", 0.0)
    ticket_call(outbox)
    senders = {HELPDESK_TARGET: HelpdeskClient(dead_url(), API_TOKEN, timeout=1)}
    outbox.deliver(senders)
    outbox.deliver(senders)
    assert outbox.pending() == [] and outbox.dead_letters()[0]["attempts"] == 2


def test_deferred_intents_go_to_rasa_with_the_token(outbox: Outbox, rasa: FakeRasa) -> None:
    outbox.put("k1", "POST", "/conversations/kunde%2F1/trigger_intent",
               {"name": "request_human"}, target=RASA_TARGET)
    assert outbox.deliver({RASA_TARGET: RasaClient(rasa.url, "rasa-token")}) == 1
    [call] = rasa.calls
    assert call["body"] == {"name": "request_human"}
    assert call["query"]["token"] == "rasa-token" and call["query"]["output_channel"] == "latest"


def test_an_entry_for_an_unknown_target_is_given_up(outbox: Outbox) -> None:
    outbox.put("k2", "POST", "/x", {}, target="nowhere")
    assert outbox.deliver({}) == 0
    assert outbox.dead_letters()[0]["last_error"] == "no sender for target 'nowhere'"


def test_the_same_key_is_stored_once(outbox: Outbox) -> None:
    outbox.put("same", "POST", "/api/tickets", {"a": 1})
    outbox.put("same", "POST", "/api/tickets", {"a": 2})
    assert [entry["payload"] for entry in outbox.pending()] == ['{"a": 1}']


def test_an_outbox_file_of_the_first_release_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE outbox (key VARCHAR(200) PRIMARY KEY, method VARCHAR(8) NOT NULL, "
            "path VARCHAR(200) NOT NULL, payload TEXT NOT NULL, headers TEXT NOT NULL, "
            "created_at DATETIME NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, "
            "delivered_at DATETIME)"
        ))
        connection.execute(sa.text(
            "INSERT INTO outbox VALUES ('old', 'POST', '/api/tickets', '{}', '{}', "
            "'2026-01-01 00:00:00', 0, NULL, NULL)"
        ))
    [entry] = Outbox(f"sqlite:///{path}").pending()
    assert (entry["key"], entry["target"], entry["dead_at"]) == ("old", HELPDESK_TARGET, None)
