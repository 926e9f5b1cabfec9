"""Reading conversations and their flags from a real (SQLite) Rasa tracker store."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.workspace.conversations import (
    ConversationReader,
    InvalidFilter,
    analyse,
    parse_filter,
)
from tests.workspace.helpers import action, bot, run_async, slot, user


def listed(endpoints: Path, **criteria: str) -> list[str]:
    reader = ConversationReader(endpoints)
    return [c.id for c in run_async(reader.list(parse_filter(criteria)))]


def test_conversations_are_listed_newest_first(endpoints: Path) -> None:
    assert listed(endpoints) == ["escalated-es", "unhelped-de", "angry-hi", "calm-en"]


@pytest.mark.parametrize(("criteria", "expected"), [
    ({"flags": "fallback"}, ["angry-hi"]),
    ({"flags": "fallback,frustration_rose", "language": "hi"}, ["angry-hi"]),
    ({"flags": "fallback", "language": "de"}, []),
    ({"flags": "low_confidence"}, ["unhelped-de", "angry-hi"]),
    ({"flags": "didnt_help"}, ["unhelped-de"]),
    ({"flags": "low_csat"}, ["unhelped-de"]),
    ({"flags": "escalated"}, ["escalated-es"]),
    ({"channel": "socketio"}, ["escalated-es"]),
    ({"language": "en"}, ["calm-en"]),
])
def test_filters_find_the_conversations_worth_reviewing(
    endpoints: Path, criteria: dict[str, str], expected: list[str]
) -> None:
    assert listed(endpoints, **criteria) == expected


def test_date_filters_use_the_last_activity(endpoints: Path) -> None:
    today = date.today()
    assert len(listed(endpoints, since=(today - timedelta(days=1)).isoformat())) == 4
    assert listed(endpoints, until=(today - timedelta(days=2)).isoformat()) == []


def test_the_transcript_shows_nlu_per_customer_message(endpoints: Path) -> None:
    conversation = run_async(ConversationReader(endpoints).get("angry-hi"))
    assert conversation is not None
    customer = [t for t in conversation.turns if t.role == "customer"]
    assert len(customer) == 1
    assert customer[0].intent == "nlu_fallback"
    assert customer[0].confidence == pytest.approx(0.21)
    assert customer[0].language == "hi"
    assert customer[0].frustration == pytest.approx(0.8)
    assert conversation.language == "hi"
    assert conversation.channel == "rest"
    assert [t.name for t in conversation.turns if t.role == "action"] == ["action_fallback"]
    faq = run_async(ConversationReader(endpoints).get("calm-en"))
    assert faq is not None and faq.turns[0].intent == "faq/shipping_time"


def test_an_unknown_conversation_is_none(endpoints: Path) -> None:
    assert run_async(ConversationReader(endpoints).get("nobody")) is None


@pytest.mark.parametrize("criteria", [{"flags": "angry"}, {"since": "yesterday"}, {"until": "2026-13-01"}])
def test_bad_filters_are_explained(criteria: dict[str, str]) -> None:
    with pytest.raises(InvalidFilter):
        parse_filter(criteria)


def test_frustration_that_rises_over_calm_messages_is_flagged() -> None:
    events = [
        user("where is my parcel", "order_status", 0.9, frustration=0.1), slot("frustration", 0.1),
        user("STILL NOTHING???", "order_status", 0.9, frustration=0.5), slot("frustration", 0.5),
    ]
    flags = analyse("x", [e.as_dict() for e in events]).flags
    assert "frustration_rose" in flags
    calm = analyse("y", [e.as_dict() for e in events[:2]]).flags
    assert "frustration_rose" not in calm


def test_a_good_rating_and_a_helpful_answer_raise_no_flag() -> None:
    events = [
        user("refund?", "faq", 0.9, topic="faq/refund_time"), action("utter_faq"),
        action("utter_did_that_help"), bot("Did that help?", "utter_did_that_help"),
        user("yes", "affirm", 0.99), slot("csat_score", "5"),
    ]
    assert analyse("z", [e.as_dict() for e in events]).flags == []
