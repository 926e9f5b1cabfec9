"""The widget's socket.io channel against the real Rasa server (a python-socketio client)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from bot.channels.socketio import ERROR_EVENT
from bot.topology import AssistantStack
from tests.integration.conftest import TOKEN

pytestmark = pytest.mark.integration

WAIT_SECONDS = 30


class WidgetClient:
    """Speaks the widget's protocol: session_request, user_uttered, bot_uttered."""

    def __init__(self, stack: AssistantStack) -> None:
        self.stack = stack
        self.client = socketio.Client(reconnection=False)
        self.replies: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.confirmed = threading.Event()
        self.arrived = threading.Condition()
        self.client.on("session_confirm", lambda _: self.confirmed.set())
        self.client.on("bot_uttered", self._on_reply)
        self.client.on(ERROR_EVENT, self._on_error)
        # Polling: the engine.io websocket client needs a newer aiohttp than Rasa pins.
        self.client.connect(stack.rasa_url, socketio_path="/socket.io", transports=["polling"])
        self.session_id = uuid.uuid4().hex

    def _on_reply(self, data: dict[str, Any]) -> None:
        with self.arrived:
            self.replies.append(data)
            self.arrived.notify_all()

    def _on_error(self, data: dict[str, Any]) -> None:
        with self.arrived:
            self.errors.append(data)
            self.arrived.notify_all()

    def start_session(self, custom_data: Any = None) -> None:
        self.client.emit("session_request", {"session_id": self.session_id,
                                             "customData": custom_data})
        assert self.confirmed.wait(WAIT_SECONDS)

    def emit(self, payload: Any) -> None:
        self.client.emit("user_uttered", payload)

    def wait(self, replies: int = 0, errors: int = 0) -> None:
        with self.arrived:
            assert self.arrived.wait_for(
                lambda: len(self.replies) >= replies and len(self.errors) >= errors, WAIT_SECONDS
            ), (self.replies, self.errors)

    def user_events(self, at_least: int = 1) -> list[dict[str, Any]]:
        """The conversation's user events (Rasa saves the tracker after replying)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            tracker = requests.get(
                f"{self.stack.rasa_url}/conversations/{self.session_id}/tracker",
                params={"token": TOKEN}, timeout=10,
            ).json()
            users = [e for e in tracker["events"] if e["event"] == "user"]
            if len(users) >= at_least or time.monotonic() > deadline:
                return users
            time.sleep(0.2)


def customer_metadata(event: dict[str, Any]) -> dict[str, Any]:
    """The metadata the client sent (Rasa adds its own `assistant_id` and `model_id`)."""
    return {k: v for k, v in event["metadata"].items() if k not in {"assistant_id", "model_id"}}


@pytest.fixture
def widget(stack: AssistantStack) -> Iterator[WidgetClient]:
    client = WidgetClient(stack)
    yield client
    # abort: a polite disconnect waits for the pending long poll (up to 30 s).
    client.client.eio.disconnect(abort=True)


def test_session_custom_data_becomes_metadata(widget: WidgetClient) -> None:
    widget.start_session('{"locale": "ja-JP", "timezone": "Asia/Tokyo"}')
    widget.emit({"message": "配送にはどのくらいかかりますか？", "session_id": widget.session_id})
    widget.wait(replies=1)
    [user] = widget.user_events()
    assert customer_metadata(user) == {"locale": "ja-JP", "timezone": "Asia/Tokyo"}
    assert user["parse_data"]["language"]["name"] == "ja"


def test_message_custom_data_wins_over_the_sessions(widget: WidgetClient) -> None:
    widget.start_session({"locale": "de-DE", "timezone": "Europe/Berlin"})
    widget.emit({"message": "hola", "session_id": widget.session_id,
                 "customData": {"locale": "es-MX"}})
    widget.wait(replies=1)
    [user] = widget.user_events()
    assert customer_metadata(user) == {"locale": "es-MX", "timezone": "Europe/Berlin"}


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2, 3],
        "just a string",
        {"message": 42, "session_id": "x"},
        {"message": {"text": "hi"}, "session_id": "x"},
        {"message": "hello, no session"},
    ],
)
def test_bad_payloads_get_an_error_event_and_the_channel_keeps_working(
    widget: WidgetClient, payload: Any
) -> None:
    widget.start_session()
    widget.emit(payload)
    widget.wait(errors=1)
    assert "error" in widget.errors[0]
    widget.emit({"message": "hello", "session_id": widget.session_id, "customData": "{not json"})
    widget.wait(replies=1)
    assert customer_metadata(widget.user_events()[-1]) == {}
