"""The helpdesk service over real HTTP on 127.0.0.1, with a local stand-in for Rasa's HTTP API."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.helpdesk.service import RasaBridge, create_helpdesk_app, notify_unclaimed
from bot.helpdesk.store import TicketStore
from tests.helpdesk.conftest import (
    API_TOKEN,
    AUTH,
    RASA_TOKEN,
    FakeRasa,
    create,
    dead_url,
    post,
    start,
    ticket_body,
)

# --- auth -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {API_TOKEN}"},
        {"Authorization": API_TOKEN},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer tökén"},
        {"Authorization": f"Bearer {API_TOKEN}x"},
    ],
)
def test_api_needs_the_token(helpdesk: str, headers: dict[str, str]) -> None:
    for method, path in [("GET", "/api/tickets"), ("GET", "/api/tickets/1"),
                         ("POST", "/api/tickets"), ("POST", "/api/tickets/1/reply")]:
        answer = requests.request(method, f"{helpdesk}{path}", headers=headers, json={}, timeout=10)
        assert answer.status_code == 401, (method, path)
        assert "error" in answer.json()


def test_right_token_is_accepted(helpdesk: str) -> None:
    answer = requests.get(f"{helpdesk}/api/tickets", headers=AUTH, timeout=10)
    assert (answer.status_code, answer.json()) == (200, [])
    lower = requests.get(f"{helpdesk}/api/tickets", timeout=10,
                         headers={"Authorization": f"bearer {API_TOKEN}"})
    assert lower.status_code == 200


def test_empty_api_token_is_refused(store: TicketStore) -> None:
    with pytest.raises(ValueError):
        create_helpdesk_app(store, "", "http://x", "t", "http://y", name=f"h_{uuid.uuid4().hex}")


# --- health ---------------------------------------------------------------------------


def test_health_ok_when_rasa_and_actions_answer(helpdesk: str) -> None:
    answer = requests.get(f"{helpdesk}/health", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"rasa": "ok", "actions": "ok", "helpdesk": "ok"}


def test_health_503_when_rasa_and_actions_are_down(lonely_helpdesk: str) -> None:
    started = time.monotonic()
    answer = requests.get(f"{lonely_helpdesk}/health", timeout=10)
    assert time.monotonic() - started < 5
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json() == {"rasa": "down", "actions": "down", "helpdesk": "ok"}


def test_health_503_when_only_actions_are_down(store: TicketStore, rasa: FakeRasa) -> None:
    with start(store, rasa.url, dead_url()) as url:
        answer = requests.get(f"{url}/health", timeout=10)
    assert answer.status_code == 503
    assert answer.json() == {"rasa": "ok", "actions": "down", "helpdesk": "ok"}


# --- tickets --------------------------------------------------------------------------


def test_create_201_then_200_with_the_same_key(helpdesk: str) -> None:
    first = create(helpdesk, key="escalation-1")
    assert first.status_code == 201
    ticket = first.json()
    assert first.headers["Location"] == f"/api/tickets/{ticket['id']}"
    for field in ("id", "conversation_id", "status", "priority", "language", "subject",
                  "transcript", "created_at", "frustration", "customer", "sla_due_at",
                  "handoff_active"):
        assert field in ticket
    assert ticket["status"] == "open" and ticket["handoff_active"] is True
    assert ticket["priority"] == 3
    assert ticket["transcript"] == [
        {"role": "customer", "text": "أين استرداد أموالي؟ <b>😡</b>",
         "at": "2025-03-01T09:00:00+00:00"},
        {"role": "bot", "text": "سأحولك إلى موظف.", "at": "2025-03-01T09:00:01.500000+00:00"},
    ]
    second = create(helpdesk, key="escalation-1", subject="another try")
    assert second.status_code == 200
    assert second.json() == ticket

    in_body = post(helpdesk, "/api/tickets", {**ticket_body(), "idempotency_key": "body-key"})
    assert in_body.status_code == 201
    again = post(helpdesk, "/api/tickets", {**ticket_body(), "idempotency_key": "body-key"})
    assert (again.status_code, again.json()["id"]) == (200, in_body.json()["id"])

    fetched = requests.get(f"{helpdesk}/api/tickets/{ticket['id']}", headers=AUTH, timeout=10)
    assert fetched.status_code == 200 and fetched.json() == ticket


def test_priority_from_frustration_topic_and_tier(helpdesk: str) -> None:
    urgent = create(helpdesk, topic="hacked_account").json()
    vip = create(helpdesk, frustration=0.9, customer={"name": "V", "tier": "gold"}).json()
    angry = create(helpdesk, frustration=0.9).json()
    assert (urgent["priority"], vip["priority"], angry["priority"]) == (1, 1, 2)
    listed = requests.get(f"{helpdesk}/api/tickets", headers=AUTH, timeout=10).json()
    assert [t["id"] for t in listed] == [urgent["id"], vip["id"], angry["id"]]


def test_list_filters(helpdesk: str) -> None:
    arabic = create(helpdesk, language="ar").json()
    hindi = create(helpdesk, language="hi").json()
    post(helpdesk, f"/api/tickets/{hindi['id']}/claim", {"agent": "mia"})

    def ids(**params: str) -> list[int]:
        answer = requests.get(f"{helpdesk}/api/tickets", params=params, headers=AUTH, timeout=10)
        assert answer.status_code == 200
        return [ticket["id"] for ticket in answer.json()]

    assert ids(language="hi") == [hindi["id"]]
    assert ids(status="open") == [arabic["id"]]
    assert ids(status="assigned", language="hi") == [hindi["id"]]
    assert ids(status="resolved") == []
    assert ids(conversation_id=arabic["conversation_id"]) == [arabic["id"]]
    assert sorted(ids()) == sorted([arabic["id"], hindi["id"]])
    assert ids(language="\x00", conversation_id="<script>") == []
    bad = requests.get(f"{helpdesk}/api/tickets", params={"status": "closed"}, headers=AUTH,
                       timeout=10)
    assert bad.status_code == 400 and "error" in bad.json()


def test_relayed_messages(helpdesk: str) -> None:
    ticket = create(helpdesk).json()
    answer = post(helpdesk, f"/api/tickets/{ticket['id']}/messages",
                  {"role": "customer", "text": "नमस्ते 👋 <i>still there?</i>"})
    assert answer.status_code == 201
    assert answer.json()["ticket"]["transcript"][-1]["text"] == "नमस्ते 👋 <i>still there?</i>"
    for body in ({"role": "agent", "text": "x"}, {"role": "note", "text": "x"},
                 {"role": "customer"}, {"role": "customer", "text": ""}):
        assert post(helpdesk, f"/api/tickets/{ticket['id']}/messages", body).status_code == 400


# --- agent operations and delivery to Rasa -------------------------------------------


def test_agent_reply_is_delivered_through_rasa(helpdesk: str, rasa: FakeRasa) -> None:
    conversation = "kundin 42/ü?x=1"
    ticket = create(helpdesk, conversation_id=conversation).json()
    ticket_path = f"/api/tickets/{ticket['id']}"

    claimed = post(helpdesk, f"{ticket_path}/claim", {"agent": "Mia"})
    assert claimed.status_code == 200
    assert claimed.json()["ticket"]["status"] == "assigned"
    assert rasa.calls == []

    text = 'مرحبا! <script>alert("hi")</script> 😊'
    reply = post(helpdesk, f"{ticket_path}/reply", {"agent": "Mia", "text": text})
    assert reply.status_code == 200
    assert reply.json()["delivered"] is True
    assert reply.json()["ticket"]["transcript"][-1] == {
        "role": "agent", "text": text, "at": reply.json()["ticket"]["transcript"][-1]["at"],
    }
    call = rasa.calls[-1]
    assert call["path"] == f"/conversations/{conversation}/tracker/events"
    assert "%2F" in call["raw_path"]  # the id is one path segment
    assert call["query"] == {"output_channel": "latest", "execute_side_effects": "true",
                             "token": RASA_TOKEN}
    assert call["body"] == [{"event": "bot", "text": text, "metadata": {"agent": "Mia"}}]

    note = post(helpdesk, f"{ticket_path}/note", {"agent": "Mia", "text": "VIP bald"})
    assert note.status_code == 200 and len(rasa.calls) == 1  # notes stay internal
    assert note.json()["ticket"]["notes"][0]["text"] == "VIP bald"
    assert all(e["text"] != "VIP bald" for e in note.json()["ticket"]["transcript"])

    handback = post(helpdesk, f"{ticket_path}/handback")
    assert handback.status_code == 200 and handback.json()["delivered"] is True
    assert handback.json()["ticket"]["handoff_active"] is False
    back_to_bot = [
        (f"/conversations/{conversation}/tracker/events",
         [{"event": "slot", "name": "handoff_active", "value": False},
          {"event": "slot", "name": "ticket_id", "value": str(ticket["id"])}]),
        (f"/conversations/{conversation}/execute", {"name": "utter_back_to_bot"}),
        (f"/conversations/{conversation}/tracker/events",
         [{"event": "action", "name": "action_listen"}]),
    ]
    assert [(c["path"], c["body"]) for c in rasa.calls[-3:]] == back_to_bot

    resolved = post(helpdesk, f"{ticket_path}/resolve")
    assert resolved.status_code == 200 and resolved.json()["delivered"] is True
    assert resolved.json()["ticket"]["status"] == "resolved"
    ask_rating = [back_to_bot[0], (back_to_bot[1][0], {"name": "utter_ask_csat"}), back_to_bot[2]]
    assert [(c["path"], c["body"]) for c in rasa.calls[-3:]] == ask_rating

    csat = post(helpdesk, f"{ticket_path}/csat", {"score": 1})
    assert csat.status_code == 200
    assert (csat.json()["ticket"]["csat"], csat.json()["ticket"]["flagged_for_review"]) == (1, True)


def test_agent_operations_succeed_when_rasa_is_down(lonely_helpdesk: str) -> None:
    ticket = create(lonely_helpdesk).json()
    ticket_path = f"/api/tickets/{ticket['id']}"
    reply = post(lonely_helpdesk, f"{ticket_path}/reply", {"agent": "Mia", "text": "Hallo"})
    assert reply.status_code == 200
    assert reply.json()["delivered"] is False
    assert reply.json()["ticket"]["transcript"][-1]["text"] == "Hallo"
    handback = post(lonely_helpdesk, f"{ticket_path}/handback")
    assert (handback.status_code, handback.json()["delivered"]) == (200, False)
    resolved = post(lonely_helpdesk, f"{ticket_path}/resolve")
    assert (resolved.status_code, resolved.json()["delivered"]) == (200, False)
    assert resolved.json()["ticket"]["status"] == "resolved"


def test_rasa_error_means_not_delivered(helpdesk: str, rasa: FakeRasa) -> None:
    ticket = create(helpdesk).json()
    rasa.mode = "error"
    reply = post(helpdesk, f"/api/tickets/{ticket['id']}/reply", {"agent": "Mia", "text": "Hi"})
    assert (reply.status_code, reply.json()["delivered"]) == (200, False)
    assert len(rasa.calls) == 1


# --- bad input ------------------------------------------------------------------------


def raw_post(url: str, path: str, data: bytes, content_type: str = "application/json",
             extra: dict[str, str] | None = None) -> requests.Response:
    headers = {**AUTH, "Content-Type": content_type, **(extra or {})}
    return requests.post(f"{url}{path}", data=data, headers=headers, timeout=30)


def assert_client_error(answer: requests.Response, status: int | None = None) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:200])
    if status is not None:
        assert answer.status_code == status
    assert "error" in answer.json()


def test_bad_ticket_bodies(helpdesk: str) -> None:
    key = {"Idempotency-Key": "k"}
    assert_client_error(raw_post(helpdesk, "/api/tickets", b"{not json", extra=key), 400)
    assert_client_error(raw_post(helpdesk, "/api/tickets", b"", extra=key), 400)
    assert_client_error(raw_post(helpdesk, "/api/tickets", b"[1, 2]", extra=key), 400)
    assert_client_error(raw_post(helpdesk, "/api/tickets", b"null", extra=key), 400)
    assert_client_error(raw_post(helpdesk, "/api/tickets", os.urandom(4096), extra=key), 400)
    assert_client_error(
        raw_post(helpdesk, "/api/tickets", b"\xff\xfe\x00garbage", "application/octet-stream",
                 extra=key), 400,
    )
    assert_client_error(raw_post(helpdesk, "/api/tickets", b"[" * 100_000, extra=key), 400)
    assert_client_error(post(helpdesk, "/api/tickets", ticket_body()), 400)  # no key
    assert_client_error(
        post(helpdesk, "/api/tickets", ticket_body(), headers={"Idempotency-Key": "k" * 600}),
        400,
    )
    for overrides in (
        {"conversation_id": None}, {"conversation_id": ["a"]}, {"frustration": "very"},
        {"frustration": float("inf")}, {"transcript": {"role": "customer"}},
        {"transcript": [{"role": "customer", "text": {"nested": True}}]},
        {"transcript": [{"role": "customer", "text": "x", "at": "not a time"}]},
        {"customer": ["Layla"]}, {"subject": 12},
    ):
        body = json.dumps(ticket_body(**overrides), allow_nan=True).encode()
        assert_client_error(raw_post(helpdesk, "/api/tickets", body, extra=key), 400)
    listed = requests.get(f"{helpdesk}/api/tickets", headers=AUTH, timeout=10).json()
    assert listed == []


def test_huge_bodies_are_refused(helpdesk: str) -> None:
    ticket = create(helpdesk).json()
    megabyte = "ä" * 1_000_000
    for path, body in [
        (f"/api/tickets/{ticket['id']}/reply", {"agent": "Mia", "text": megabyte}),
        (f"/api/tickets/{ticket['id']}/messages", {"role": "customer", "text": megabyte}),
        ("/api/tickets", ticket_body(subject=megabyte)),
    ]:
        data = json.dumps(body, ensure_ascii=False).encode()
        assert_client_error(raw_post(helpdesk, path, data, extra={"Idempotency-Key": "big"}))
    long_reply = post(helpdesk, f"/api/tickets/{ticket['id']}/reply",
                      {"agent": "Mia", "text": "x" * 4001})
    assert_client_error(long_reply, 400)
    # A long customer message is kept (cut), never refused: the customer cannot retry.
    long_message = post(helpdesk, f"/api/tickets/{ticket['id']}/messages",
                        {"role": "customer", "text": "y" * 50_000})
    assert long_message.status_code == 201
    assert long_message.json()["ticket"]["transcript"][-1]["text"] == "y" * 4000


def test_bad_agent_operations(helpdesk: str) -> None:
    ticket = create(helpdesk).json()
    path = f"/api/tickets/{ticket['id']}"
    for operation, body in [
        ("claim", {}), ("claim", {"agent": 7}), ("claim", {"agent": "  "}),
        ("reply", {"agent": "Mia"}), ("reply", {"text": "hi"}), ("reply", {"agent": "Mia", "text": 3}),
        ("note", {"agent": "Mia", "text": ""}),
        ("csat", {}), ("csat", {"score": "5"}), ("csat", {"score": 9}), ("csat", {"score": 0}),
        ("csat", {"score": True}), ("csat", {"score": 4.5}),
    ]:
        assert_client_error(post(helpdesk, f"{path}/{operation}", body), 400)
    assert_client_error(raw_post(helpdesk, f"{path}/claim", b"\x00\x01\x02"), 400)
    assert_client_error(raw_post(helpdesk, f"{path}/reply", b"agent=Mia&text=hi",
                                 "application/x-www-form-urlencoded"), 400)


def test_unknown_tickets_and_routes(helpdesk: str, rasa: FakeRasa) -> None:
    for ticket_id in ("999", "0", "-5", "99999999999999999999999"):
        assert_client_error(
            requests.get(f"{helpdesk}/api/tickets/{ticket_id}", headers=AUTH, timeout=10), 404
        )
        for operation, body in [("claim", {"agent": "a"}), ("reply", {"agent": "a", "text": "t"}),
                                ("note", {"agent": "a", "text": "t"}), ("resolve", None),
                                ("handback", None), ("csat", {"score": 3}),
                                ("messages", {"role": "customer", "text": "t"})]:
            answer = post(helpdesk, f"/api/tickets/{ticket_id}/{operation}", body)
            assert_client_error(answer, 404)
    assert rasa.calls == []  # nothing is sent for tickets that do not exist
    assert_client_error(requests.get(f"{helpdesk}/api/tickets/abc", headers=AUTH, timeout=10), 404)
    assert_client_error(requests.get(f"{helpdesk}/nowhere", timeout=10), 404)
    assert_client_error(requests.get(f"{helpdesk}/console/nowhere", timeout=10), 404)
    assert_client_error(requests.delete(f"{helpdesk}/api/tickets", headers=AUTH, timeout=10), 405)


# --- python -m bot.helpdesk -------------------------------------------------------------


def test_module_runs_the_service(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "KESTREL_VAR_DIR": str(tmp_path / "var"),
        "HELPDESK_API_TOKEN": API_TOKEN,
        "RASA_API_TOKEN": RASA_TOKEN,
        "RASA_URL": dead_url(),
        "ACTION_SERVER_URL": dead_url(),
    }
    env.pop("HELPDESK_DATABASE_URL", None)
    log = tmp_path / "helpdesk.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.helpdesk", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"{url}/health", timeout=5)
                break
            except requests.ConnectionError:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the helpdesk did not start"
                time.sleep(0.2)
        assert health.status_code == 503
        assert health.json()["helpdesk"] == "ok"
        created = requests.post(f"{url}/api/tickets", json=ticket_body(), timeout=10,
                                headers={**AUTH, "Idempotency-Key": "cli"})
        assert created.status_code == 201
        assert requests.get(f"{url}/api/tickets", timeout=10).status_code == 401
        assert (tmp_path / "var" / "helpdesk.db").exists()
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- customers nobody answers -------------------------------------------------------------


def test_unclaimed_handoff_gets_one_honest_update(store: TicketStore, rasa: FakeRasa) -> None:
    waiting, _ = store.create(ticket_body(), "waiting")
    claimed, _ = store.create(ticket_body(), "claimed")
    store.claim(claimed["id"], "Priya")
    handed_back, _ = store.create(ticket_body(), "handed-back")
    store.hand_back(handed_back["id"])

    async def notify_three_times() -> list[int]:
        bridge = RasaBridge(rasa.url, RASA_TOKEN, rasa.url)
        try:
            return [
                await notify_unclaimed(store, bridge, after=3600),  # not yet
                await notify_unclaimed(store, bridge, after=0),
                await notify_unclaimed(store, bridge, after=0),  # only once
            ]
        finally:
            await bridge.close()

    # Its own thread and loop: the browser tests' sync Playwright may own this thread's.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, notify_three_times()).result() == [0, 1, 0]
    conversation = waiting["conversation_id"]
    assert [(c["path"], c["body"]) for c in rasa.calls] == [
        (f"/conversations/{conversation}/tracker/events",
         [{"event": "slot", "name": "ticket_id", "value": str(waiting["id"])}]),
        (f"/conversations/{conversation}/execute", {"name": "utter_handoff_no_agent_yet"}),
        (f"/conversations/{conversation}/tracker/events",
         [{"event": "action", "name": "action_listen"}]),
    ]
    assert store.get(waiting["id"])["status"] == "open"


# --- the customer withdraws; ratings without a ticket ---------------------------------


def test_cancel_closes_the_ticket_without_calling_rasa(helpdesk: str, rasa: FakeRasa) -> None:
    ticket = create(helpdesk).json()
    answer = post(helpdesk, f"/api/tickets/{ticket['id']}/cancel", {"text": "никто не нужен"})
    assert answer.status_code == 200
    assert answer.json()["ticket"]["status"] == "resolved"
    assert answer.json()["ticket"]["transcript"][-1]["text"] == "никто не нужен"
    # Rasa holds the conversation's lock while the action calls this route.
    assert rasa.calls == []
    assert post(helpdesk, f"/api/tickets/{ticket['id']}/cancel", {}).status_code == 200
    assert post(helpdesk, "/api/tickets/424242/cancel", {}).status_code == 404
    assert post(helpdesk, f"/api/tickets/{ticket['id']}/cancel", {"text": 7}).status_code == 400
    assert requests.post(f"{helpdesk}/api/tickets/{ticket['id']}/cancel", timeout=5).status_code == 401


def test_ratings_route(helpdesk: str) -> None:
    body = {"conversation_id": "web-1", "score": 1, "language": "de", "idempotency_key": "web-1:4"}
    assert post(helpdesk, "/api/ratings", body).status_code == 201
    assert post(helpdesk, "/api/ratings", body).status_code == 201  # a replay stores nothing new
    listed = requests.get(f"{helpdesk}/api/ratings", params={"flagged": "true"}, headers=AUTH,
                          timeout=10).json()["ratings"]
    assert [(r["conversation_id"], r["score"]) for r in listed] == [("web-1", 1)]
    assert requests.get(f"{helpdesk}/api/ratings", params={"flagged": "maybe"}, headers=AUTH,
                        timeout=10).status_code == 400
    for bad in ({**body, "score": 9}, {**body, "score": "5"}, {"score": 3, "idempotency_key": "k"},
                {"conversation_id": "web-2", "score": 3}, [1, 2]):
        assert post(helpdesk, "/api/ratings", bad).status_code == 400, bad
    assert requests.get(f"{helpdesk}/api/ratings", timeout=10).status_code == 401


# --- the demo storefront ----------------------------------------------------------------


def test_storefront_page_config_and_widget(helpdesk: str, rasa: FakeRasa) -> None:
    page = requests.get(f"{helpdesk}/", timeout=10)
    assert page.status_code == 200 and 'id="chat"' in page.text
    policy = page.headers["Content-Security-Policy"]
    # Scripts only from here; sockets only to Rasa.
    assert "script-src 'self';" in policy
    host = rasa.url.split("://")[1]
    assert f"connect-src 'self' http://{host} ws://{host}" in policy
    config = requests.get(f"{helpdesk}/shop/config.json", timeout=10).json()
    assert config["socket_url"] == rasa.url
    assert config["labels"]["de"]["input_hint"] == "Ihre Nachricht…"
    assert {customer["id"] for customer in config["customers"]} >= {"c-1001"}
    widget = requests.get(f"{helpdesk}/shop/webchat.js", timeout=10)
    assert widget.status_code == 200
    assert widget.headers["Content-Type"].startswith("text/javascript")
    # No token needed for the storefront; the API stays closed.
    assert requests.get(f"{helpdesk}/api/tickets", timeout=10).status_code == 401
