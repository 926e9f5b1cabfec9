"""TicketStore on SQLite (always) and on PostgreSQL (when HELPDESK_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.helpdesk.priority import SLA_HOURS, priority, sla_due
from bot.helpdesk.store import (
    MAX_TEXT_CHARS,
    InvalidTicketData,
    TicketStore,
    messages_table,
    ratings_table,
    tickets_table,
)

POSTGRES_URL = os.environ.get("HELPDESK_TEST_POSTGRES_URL")

MULTILINGUAL_TEXTS = [
    "مرحبا، أين طلبي رقم ٤٨٢٩١٣؟",  # Arabic, Arabic-Indic digits
    "नमस्ते, मेरा ऑर्डर कहाँ है? मुझे रिफंड चाहिए।",  # Devanagari with combining marks
    "Where is it?! 😡👨‍👩‍👧‍👦🇩🇪 ok",  # emoji, a ZWJ family and a flag
    '<script>alert("x")</script> &amp; <b>bold</b> \'quoted\'',  # HTML stays as text
    "配送はいつですか？ 订单 Größe ÇÀ\u200f rtl-mark, tab\tand\nnew line",
]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            # Skipped only outside CI: there a missing server must fail the run.
            marks=pytest.mark.skipif(
                not POSTGRES_URL and os.environ.get("CI") != "true",
                reason="set HELPDESK_TEST_POSTGRES_URL (an empty test database) to run on PostgreSQL",
            ),
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "sqlite":
        ticket_store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    else:
        assert POSTGRES_URL, "PostgreSQL is required here: `make test` starts one"
        ticket_store = TicketStore(POSTGRES_URL)
        # The database outlives the test: start from an empty queue.
        engine = sa.create_engine(POSTGRES_URL, future=True)
        with engine.begin() as connection:
            connection.execute(messages_table.delete())
            connection.execute(tickets_table.delete())
            connection.execute(ratings_table.delete())
        engine.dispose()
    yield ticket_store
    ticket_store.close()


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": f"conv-{uuid.uuid4().hex[:8]}",
        "channel": "socketio",
        "customer": {"id": "c-1", "name": "Ana Müller", "title": "Frau", "tier": "standard"},
        "language": "de",
        "register": "formal",
        "frustration": 0.1,
        "topic": "order_status",
        "subject": "Bestellung",
        "summary": "intent=request_human",
        "transcript": [],
    }
    body.update(overrides)
    return body


# --- priority rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frustration", "topic", "tier", "expected"),
    [
        (0.0, "fraud", None, 1),
        (0.0, "Hacked_Account", "standard", 1),
        (0.1, "legal_threat", None, 1),
        (0.9, None, None, 2),
        (0.7, None, "vip", 1),
        (0.8, "refund_time", "gold", 1),
        (0.5, None, None, 3),
        (0.5, None, "vip", 2),
        (0.1, "order_status", None, 3),
        (0.1, None, "VIP", 2),
        (float("nan"), None, None, 3),
        (7.0, None, None, 2),
    ],
)
def test_priority_rules(frustration: float, topic: str | None, tier: str | None,
                        expected: int) -> None:
    assert priority(frustration, topic, tier) == expected


def test_sla_due_per_priority() -> None:
    start = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert [sla_due(start, level) - start for level in (1, 2, 3, 4)] == [
        timedelta(hours=1), timedelta(hours=4), timedelta(hours=24), timedelta(hours=72),
    ]
    assert SLA_HOURS[1] == 1
    with pytest.raises(ValueError):
        sla_due(start, 5)


# --- idempotency ----------------------------------------------------------------------


def test_same_key_twice_gives_one_ticket(store: TicketStore) -> None:
    body = payload()
    first, created = store.create(body, "key-1")
    again, created_again = store.create({**body, "subject": "changed"}, "key-1")
    assert created is True
    assert created_again is False
    assert again == first
    assert len(store.list(conversation_id=body["conversation_id"])) == 1
    other, created_other = store.create(body, "key-2")
    assert created_other is True and other["id"] != first["id"]


def test_concurrent_creates_with_one_key_give_one_ticket(store: TicketStore) -> None:
    body = payload(transcript=[{"role": "customer", "text": "help", "at": None}])
    start = threading.Barrier(8)

    def create(_: int) -> tuple[dict[str, Any], bool]:
        start.wait()
        return store.create(body, "same-key")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(8)))
    assert sum(created for _, created in results) == 1
    assert len({ticket["id"] for ticket, _ in results}) == 1
    tickets = store.list(conversation_id=body["conversation_id"])
    assert len(tickets) == 1
    assert [entry["text"] for entry in tickets[0]["transcript"]] == ["help"]


# --- queue order ----------------------------------------------------------------------


def test_list_sorted_by_priority_then_sla(store: TicketStore) -> None:
    start = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    created = {}
    for name, minutes, overrides in [
        ("calm_early", 0, {"frustration": 0.1}),
        ("angry", 10, {"frustration": 0.9}),
        ("calm_late", 20, {"frustration": 0.0}),
        ("fraud", 30, {"topic": "fraud"}),
        ("angry_vip", 5, {"frustration": 0.8, "customer": {"name": "V", "tier": "vip"}}),
        ("angry_earlier", 2, {"frustration": 0.75}),
    ]:
        ticket, _ = store.create(payload(**overrides), name, now=start + timedelta(minutes=minutes))
        created[ticket["id"]] = name
    order = [created[ticket["id"]] for ticket in store.list()]
    assert order == ["angry_vip", "fraud", "angry_earlier", "angry", "calm_early", "calm_late"]
    fraud = next(t for t in store.list() if t["topic"] == "fraud")
    assert fraud["priority"] == 1
    assert datetime.fromisoformat(fraud["sla_due_at"]) == start + timedelta(minutes=30, hours=1)
    assert datetime.fromisoformat(fraud["created_at"]) == start + timedelta(minutes=30)


def test_list_filters(store: TicketStore) -> None:
    german, _ = store.create(payload(language="de"), "de-1")
    hindi, _ = store.create(payload(language="hi"), "hi-1")
    store.claim(hindi["id"], "mia")
    assert [t["id"] for t in store.list(language="hi")] == [hindi["id"]]
    assert [t["id"] for t in store.list(status="open")] == [german["id"]]
    assert [t["id"] for t in store.list(status="assigned", language="hi")] == [hindi["id"]]
    assert store.list(status="resolved") == []
    assert store.list(language="h\x00i") == store.list(language="hi")  # stored without NUL too
    assert store.list(language="x\x00") == store.list(conversation_id="\ud800") == []
    assert [t["id"] for t in store.list(conversation_id=german["conversation_id"])] == [
        german["id"]
    ]
    with pytest.raises(InvalidTicketData):
        store.list(status="closed")


# --- content --------------------------------------------------------------------------


def test_transcript_round_trip_keeps_every_text_unchanged(store: TicketStore) -> None:
    at = datetime(2025, 3, 1, 9, 0, 1, 250000, tzinfo=timezone.utc)
    transcript = [
        {"role": "customer" if index % 2 == 0 else "bot", "text": text,
         "at": (at + timedelta(seconds=index)).isoformat()}
        for index, text in enumerate(MULTILINGUAL_TEXTS)
    ]
    body = payload(
        transcript=transcript, subject=MULTILINGUAL_TEXTS[3], summary=MULTILINGUAL_TEXTS[1],
        customer={"name": "शर्मा <i>जी</i>", "title": "श्री", "contact": "a@b.example"},
    )
    created, _ = store.create(body, "unicode")
    for ticket in (created, store.get(created["id"])):
        assert ticket is not None
        assert ticket["transcript"] == [
            {"role": entry["role"], "text": entry["text"],
             "at": (at + timedelta(seconds=index)).isoformat()}
            for index, entry in enumerate(transcript)
        ]
        assert ticket["subject"] == MULTILINGUAL_TEXTS[3]
        assert ticket["summary"] == MULTILINGUAL_TEXTS[1]
        assert ticket["customer"] == {
            "id": None, "name": "शर्मा <i>जी</i>", "contact": "a@b.example", "title": "श्री",
            "tier": None,
        }
    for text in MULTILINGUAL_TEXTS:
        store.add_message(created["id"], "agent", text, author="Layla")
    ticket = store.get(created["id"])
    assert ticket is not None
    assert [e["text"] for e in ticket["transcript"][len(transcript):]] == MULTILINGUAL_TEXTS


def test_texts_are_cut_and_made_storable(store: TicketStore) -> None:
    body = payload(
        transcript=[
            {"role": "customer", "text": "x" * (MAX_TEXT_CHARS + 500)},
            {"role": "bot", "text": None},  # e.g. buttons only: nothing to show
            {"role": "customer", "text": "nul\x00byte and lone \ud83d surrogate"},
            {"role": "customer", "text": "unix time", "at": 1740819600},
        ],
        subject="s" * 10_000,
    )
    ticket, _ = store.create(body, "cut")
    texts = [entry["text"] for entry in ticket["transcript"]]
    assert texts == ["x" * MAX_TEXT_CHARS, "nulbyte and lone ? surrogate", "unix time"]
    assert ticket["transcript"][2]["at"] == "2025-03-01T09:00:00+00:00"
    assert len(ticket["subject"]) == MAX_TEXT_CHARS
    updated = store.add_message(ticket["id"], "customer", "é" * 5000)
    assert updated is not None and updated["transcript"][-1]["text"] == "é" * MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"conversation_id": None}, "k"),
        ({"conversation_id": "   "}, "k"),
        ({"conversation_id": 42}, "k"),
        ({"frustration": "high"}, "k"),
        ({"frustration": True}, "k"),
        ({"customer": "Ana"}, "k"),
        ({"transcript": "hello"}, "k"),
        ({"transcript": [{"role": "hacker", "text": "x"}]}, "k"),
        ({"transcript": [{"role": "customer", "text": 5}]}, "k"),
        ({"transcript": [{"role": "customer", "text": "x", "at": "yesterday"}]}, "k"),
        ({"subject": ["a"]}, "k"),
        ({}, ""),
        ({}, "k" * 501),
    ],
)
def test_invalid_payloads_are_refused(store: TicketStore, overrides: dict[str, Any],
                                      key: str) -> None:
    with pytest.raises(InvalidTicketData):
        store.create(payload(**overrides), key)
    assert store.list() == []


# --- agent workflow -------------------------------------------------------------------


def test_claim_reply_note_handback_resolve_csat(store: TicketStore) -> None:
    ticket, _ = store.create(
        payload(transcript=[{"role": "customer", "text": "I want a person"}]), "flow"
    )
    assert ticket["status"] == "open" and ticket["handoff_active"] is True
    assert store.queue_length() == 1

    claimed = store.claim(ticket["id"], "mia")
    assert claimed is not None
    assert (claimed["status"], claimed["assignee"]) == ("assigned", "mia")

    replied = store.add_message(ticket["id"], "agent", "Hallo, ich bin Mia.", author="mia")
    assert replied is not None
    assert replied["status"] == "waiting_for_customer"
    assert replied["transcript"][-1]["role"] == "agent"
    assert store.queue_length() == 0  # waiting for the customer, not for an agent

    answered = store.add_message(ticket["id"], "customer", "Danke!")
    assert answered is not None and answered["status"] == "assigned"

    noted = store.add_message(ticket["id"], "note", "Kundin ist Stammkundin", author="mia")
    assert noted is not None
    assert [e["role"] for e in noted["transcript"]] == ["customer", "agent", "customer"]
    assert [(n["author"], n["text"]) for n in noted["notes"]] == [("mia", "Kundin ist Stammkundin")]

    handed_back = store.hand_back(ticket["id"])
    assert handed_back is not None
    assert (handed_back["handoff_active"], handed_back["status"]) == (False, "assigned")

    waiting = store.set_status(ticket["id"], "waiting_for_customer")
    assert waiting is not None and waiting["status"] == "waiting_for_customer"

    resolved = store.resolve(ticket["id"])
    assert resolved is not None
    assert (resolved["status"], resolved["handoff_active"]) == ("resolved", False)
    assert store.queue_length() == 0
    assert resolved["updated_at"] >= ticket["updated_at"]

    happy = store.set_csat(ticket["id"], 4)
    assert happy is not None and (happy["csat"], happy["flagged_for_review"]) == (4, False)
    unhappy = store.set_csat(ticket["id"], 2)
    assert unhappy is not None and (unhappy["csat"], unhappy["flagged_for_review"]) == (2, True)
    later = store.set_csat(ticket["id"], 5)
    assert later is not None and later["flagged_for_review"] is True  # review still needed
    for score in (0, 6, True, 2.5, "3"):
        with pytest.raises(InvalidTicketData):
            store.set_csat(ticket["id"], score)  # type: ignore[arg-type]


def test_agent_reply_without_claim_takes_the_ticket(store: TicketStore) -> None:
    ticket, _ = store.create(payload(), "unclaimed")
    replied = store.add_message(ticket["id"], "agent", "Hi!", author="sam")
    assert replied is not None
    assert (replied["assignee"], replied["status"]) == ("sam", "waiting_for_customer")
    answered = store.add_message(ticket["id"], "customer", "ok")
    assert answered is not None and answered["status"] == "assigned"


def test_unknown_ids_give_none(store: TicketStore) -> None:
    for ticket_id in (12345, 0, -1, 2**63):
        assert store.get(ticket_id) is None
        assert store.add_message(ticket_id, "customer", "hello") is None
        assert store.claim(ticket_id, "mia") is None
        assert store.set_status(ticket_id, "open") is None
        assert store.resolve(ticket_id) is None
        assert store.hand_back(ticket_id) is None
        assert store.set_csat(ticket_id, 3) is None


def test_bad_arguments_are_refused(store: TicketStore) -> None:
    ticket, _ = store.create(payload(), "args")
    with pytest.raises(InvalidTicketData):
        store.add_message(ticket["id"], "admin", "x")
    with pytest.raises(InvalidTicketData):
        store.add_message(ticket["id"], "customer", "   ")
    with pytest.raises(InvalidTicketData):
        store.claim(ticket["id"], "")
    with pytest.raises(InvalidTicketData):
        store.set_status(ticket["id"], "closed")


def test_times_are_aware_utc(store: TicketStore) -> None:
    local = timezone(timedelta(hours=5, minutes=30))
    ticket, _ = store.create(
        payload(transcript=[{"role": "customer", "text": "hi", "at": "2025-03-01T14:30:00+05:30"}]),
        "tz", now=datetime(2025, 3, 1, 14, 30, tzinfo=local),
    )
    assert ticket["created_at"] == "2025-03-01T09:00:00+00:00"
    assert ticket["transcript"][0]["at"] == "2025-03-01T09:00:00+00:00"
    assert datetime.fromisoformat(ticket["updated_at"]).utcoffset() == timedelta(0)


def test_two_stores_share_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    service_side, test_side = TicketStore(url), TicketStore(url)
    ticket, _ = service_side.create(payload(), "shared")
    assert test_side.get(ticket["id"]) == ticket
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    service_side.close()
    test_side.close()


def test_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    default = TicketStore.from_environment(tmp_path / "var")
    default.create(payload(), "env")
    assert (tmp_path / "var" / "helpdesk.db").exists()
    default.close()
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    configured = TicketStore.from_environment(tmp_path / "var")
    assert configured.list() == []
    configured.close()
    assert (tmp_path / "elsewhere.db").exists()


# --- the customer withdraws; ratings without a ticket ---------------------------------


def test_cancel_by_customer_closes_the_ticket_with_their_words(store: TicketStore) -> None:
    ticket, _ = store.create(payload(), "cancel-1")
    store.claim(ticket["id"], "Mia")
    cancelled = store.cancel_by_customer(ticket["id"], "Hat sich erledigt, danke!")
    assert cancelled is not None
    assert cancelled["status"] == "resolved"
    assert cancelled["handoff_active"] is False
    assert cancelled["transcript"][-1]["role"] == "customer"
    assert cancelled["transcript"][-1]["text"] == "Hat sich erledigt, danke!"
    assert "cancelled" in cancelled["notes"][-1]["text"]
    assert store.cancel_by_customer(999_999, "x") is None
    assert store.cancel_by_customer(-1) is None


def test_cancel_without_words_adds_only_the_note(store: TicketStore) -> None:
    ticket, _ = store.create(payload(), "cancel-2")
    cancelled = store.cancel_by_customer(ticket["id"], "   ")
    assert cancelled is not None and cancelled["transcript"] == []
    assert len(cancelled["notes"]) == 1


def test_conversation_ratings_are_idempotent_and_low_ones_flagged(store: TicketStore) -> None:
    low = store.rate_conversation("conv-a", 2, "hi", "conv-a:3:rating")
    again = store.rate_conversation("conv-a", 2, "hi", "conv-a:3:rating")
    high = store.rate_conversation("conv-b", 5, None, "conv-b:1:rating")
    assert low == again
    assert low["flagged_for_review"] is True and high["flagged_for_review"] is False
    assert [r["score"] for r in store.ratings(conversation_id="conv-a")] == [2]
    assert [r["conversation_id"] for r in store.ratings(flagged=True)] == ["conv-a"]
    assert len(store.ratings()) == 2


@pytest.mark.parametrize("score", [0, 6, "5", 2.5, True, None])
def test_bad_ratings_are_refused(store: TicketStore, score: Any) -> None:
    with pytest.raises(InvalidTicketData):
        store.rate_conversation("conv-c", score, "en", f"key-{score!r}")
    with pytest.raises(InvalidTicketData):
        store.rate_conversation("", 3, "en", "key-empty-conversation")
    assert store.ratings() == []
