"""Shared fixtures for the helpdesk tests: the service on a real port, a stand-in for Rasa."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import requests
from sanic import Sanic

from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from tests.fakes.http import LocalServer, QuietHandler

API_TOKEN = "helpdesk-test-token"
RASA_TOKEN = "rasa-test-token"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


class FakeRasa:
    """Rasa's HTTP API (GET /, POST .../tracker/events) and the action server's /health.

    Records every tracker-events call; `mode` "error" answers them with HTTP 500.
    """

    def __init__(self) -> None:
        self.mode = "ok"
        self.calls: list[dict[str, Any]] = []
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path == "/":
                    self.send_text(200, "Hello from Rasa: 3.6.20")
                elif path == "/health":
                    self.send_json(200, {"status": "ok"})
                else:
                    self.send_json(404, {"error": "not found"})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                body = self.body()
                fake.calls.append({
                    "path": unquote(url.path),
                    "raw_path": url.path,
                    "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                    "body": json.loads(body),
                })
                if fake.mode == "error":
                    self.send_json(500, {"error": "boom"})
                else:
                    self.send_json(200, {"sender_id": "x", "events": []})

        self._server = LocalServer(Handler)
        self.url = self._server.url
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


def dead_url() -> str:
    """A localhost URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(app: Sanic) -> Iterator[str]:
    """Runs the app on a free 127.0.0.1 port, in a thread with its own event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
            )
            loop.run_until_complete(server.startup())
            loop.run_until_complete(server.before_start())
            loop.run_until_complete(server.after_start())
        except BaseException as error:
            failures.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.before_stop())
        loop.run_until_complete(server.close())
        for connection in server.connections:
            connection.close_if_idle()
        loop.run_until_complete(server.after_stop())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    if failures:
        raise failures[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        sock.close()


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets one process start several Sanic apps, as sanic's own test client does.

    Sanic 21.12 rewrites (touches up) its request methods on each start; the second start
    fails unless test mode keeps the originals.
    """
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    yield fake
    fake.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TicketStore]:
    ticket_store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    yield ticket_store
    ticket_store.close()


def start(store: TicketStore, rasa_url: str, action_url: str) -> Any:
    app = create_helpdesk_app(
        store, API_TOKEN, rasa_url, RASA_TOKEN, action_url, name=f"helpdesk_{uuid.uuid4().hex}"
    )
    return serving(app)


@pytest.fixture
def helpdesk(store: TicketStore, rasa: FakeRasa) -> Iterator[str]:
    """The service with Rasa and the action server up (both played by FakeRasa)."""
    with start(store, rasa.url, rasa.url) as url:
        yield url


@pytest.fixture
def lonely_helpdesk(store: TicketStore) -> Iterator[str]:
    """The service with neither Rasa nor the action server listening."""
    with start(store, dead_url(), dead_url()) as url:
        yield url


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": f"conv-{uuid.uuid4().hex[:8]}",
        "channel": "socketio",
        "customer": {"id": "7", "name": "Layla", "tier": "standard"},
        "language": "ar",
        "register": "formal",
        "frustration": 0.2,
        "topic": "refund_time",
        "subject": "استرداد",
        "summary": "intent=request_human",
        "transcript": [
            {"role": "customer", "text": "أين استرداد أموالي؟ <b>😡</b>", "at": "2025-03-01T09:00:00Z"},
            {"role": "bot", "text": "سأحولك إلى موظف.", "at": 1740819601.5},
        ],
    }
    body.update(overrides)
    return body


def create(url: str, key: str | None = None, **overrides: Any) -> requests.Response:
    return requests.post(
        f"{url}/api/tickets", json=ticket_body(**overrides),
        headers={**AUTH, "Idempotency-Key": key or uuid.uuid4().hex}, timeout=10,
    )


def post(url: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(f"{url}{path}", json=body, headers={**AUTH, **(headers or {})}, timeout=10)
