from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback
from actions.language import ActionChangeLanguage
from actions.orders import ActionCheckOrderStatus
from actions.slots import ValidateSlotMappings
from bot.config import load_settings
from bot.orders import OrderStore


def make_tracker(
    text: str = "",
    intent: str = "greet",
    slots: dict[str, Any] | None = None,
    detections: list[dict[str, Any]] | None = None,
) -> Tracker:
    detections = detections or [{"name": "en", "confidence": 0.99}]
    events = [
        {"event": "user", "text": text, "parse_data": {"language": detection}}
        for detection in detections
    ]
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": [],
                "language": detections[-1],
            },
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def store(tmp_path: Path) -> OrderStore:
    return OrderStore(f"sqlite:///{tmp_path / 'orders.db'}", load_settings().data_dir / "demo_orders.yml")


@pytest.mark.parametrize(
    ("order_id", "response", "argument"),
    [
        ("482913", "utter_order_status_shipped", "eta"),
        ("519204", "utter_order_status_processing", "ship_by"),
        ("730018", "utter_order_status_delivered", "delivered_on"),
        ("264590", "utter_order_status_cancelled", "order_id"),
        ("٧٣٠٠١٨", "utter_order_status_delivered", "delivered_on"),
        ("111111", "utter_order_not_found", "order_id"),
    ],
)
async def test_order_status(
    dispatcher: CollectingDispatcher, store: OrderStore, order_id: str, response: str,
    argument: str,
) -> None:
    tracker = make_tracker(slots={"order_id": order_id, "language": "de"})
    events = await ActionCheckOrderStatus(store).run(dispatcher, tracker, {})
    assert events == [SlotSet("order_id", None)]
    [message] = dispatcher.messages
    assert message["response"] == response
    assert message[argument]


async def test_order_dates_are_written_for_the_language(
    dispatcher: CollectingDispatcher, store: OrderStore
) -> None:
    tracker = make_tracker(slots={"order_id": "482913", "language": "ja"})
    await ActionCheckOrderStatus(store).run(dispatcher, tracker, {})
    assert "年" in dispatcher.messages[0]["eta"]


@pytest.mark.parametrize(
    ("intent", "text", "current", "detections", "expected"),
    [
        ("greet", "Hallo", None, [{"name": "de", "confidence": 0.9}], "de"),
        ("affirm", "ok", "hi", [{"name": "hi", "confidence": 0.99}, {"name": "en", "confidence": 0.2}], "hi"),
        ("change_language", "can we speak French?", "en", [{"name": "en", "confidence": 0.99}], "fr"),
    ],
)
async def test_language_slot(
    dispatcher: CollectingDispatcher, intent: str, text: str, current: str | None,
    detections: list[dict[str, Any]], expected: str,
) -> None:
    tracker = make_tracker(text, intent, {"language": current}, detections)
    result = await ValidateSlotMappings().extract_language(dispatcher, tracker, {})
    assert result == {"language": expected}


async def test_formality_defaults_to_formal(dispatcher: CollectingDispatcher) -> None:
    result = await ValidateSlotMappings().extract_formality(dispatcher, make_tracker(), {})
    assert result == {"formality": "formal"}


@pytest.mark.parametrize(
    ("text", "response"),
    [("hablemos en francés", "utter_language_changed"), ("other language pls", "utter_ask_which_language")],
)
async def test_change_language(dispatcher: CollectingDispatcher, text: str, response: str) -> None:
    await ActionChangeLanguage().run(dispatcher, make_tracker(text, "change_language"), {})
    assert dispatcher.messages[0]["response"] == response


@pytest.mark.parametrize(
    ("text", "response"),
    [("blorp zzz", "utter_default"), ("", "utter_message_unreadable"), ("👍🙂", "utter_message_unreadable")],
)
async def test_fallback(dispatcher: CollectingDispatcher, text: str, response: str) -> None:
    await ActionFallback().run(dispatcher, make_tracker(text, "nlu_fallback"), {})
    assert dispatcher.messages[0]["response"] == response
