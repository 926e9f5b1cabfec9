"""The agent console in a real browser: Debian's Chromium driven by Playwright.

Each test starts the real helpdesk app (SQLite in tmp_path) on a free 127.0.0.1 port,
with the fake Rasa HTTP API from tests/helpdesk/test_service.py recording what the
helpdesk sends, and creates tickets through the API. The browser is the system Chromium
(/usr/bin/chromium); when it is missing, scripts/install_browser.sh installs it, and the
tests skip (saying why) only if that fails. Playwright's own browser download is never used.
Every browser test saves a screenshot to tests/artifacts/<test name>.png.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from sanic import Sanic

from bot.config import PROJECT_ROOT
from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.helpdesk.conftest import API_TOKEN, AUTH, RASA_TOKEN, FakeRasa, serving

STATIC = PROJECT_ROOT / "bot" / "helpdesk" / "static"
AGENT = "Mia Agent"

IMG_PAYLOAD = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT_PAYLOAD = "<script>document.title='pwned'</script>"
ARABIC = "مرحبا، أين طلبي؟"


# --- the helpdesk with tickets ----------------------------------------------------------


@dataclass
class Desk:
    """The running helpdesk, its fake Rasa and the tickets created for the test."""

    url: str
    rasa: FakeRasa
    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def create(self, name: str, **body: Any) -> dict[str, Any]:
        answer = requests.post(
            f"{self.url}/api/tickets", json=body, timeout=10,
            headers={**AUTH, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert answer.status_code == 201, answer.text
        self.tickets[name] = answer.json()
        return self.tickets[name]

    def ticket(self, name: str) -> dict[str, Any]:
        answer = requests.get(f"{self.url}/api/tickets/{self.tickets[name]['id']}",
                              headers=AUTH, timeout=10)
        assert answer.status_code == 200
        return answer.json()

    def events(self) -> list[tuple[str, Any]]:
        return [(call["path"], call["body"]) for call in self.rasa.calls]


def wait_for(condition: Callable[[], bool], seconds: float = WAIT_MS / 1000) -> bool:
    """Polls `condition` until it holds or `seconds` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return condition()
        time.sleep(0.05)
    return True


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """The real helpdesk app on 127.0.0.1 with three tickets: German, Hindi and hostile."""
    # Lets one process start several Sanic apps (see tests/helpdesk/test_service.py).
    monkeypatch.setattr(Sanic, "test_mode", True)
    rasa = FakeRasa()
    store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    app = create_helpdesk_app(
        store, API_TOKEN, rasa.url, RASA_TOKEN, rasa.url, name=f"console_{uuid.uuid4().hex}"
    )
    try:
        with serving(app) as url:
            desk = Desk(url, rasa)
            desk.create(
                "de", conversation_id="kunde-de-1", channel="socketio", language="de",
                register="formal", frustration=0.5, topic="damaged_item",
                subject="Beschädigte Lieferung", summary="Paket kam zerbrochen an",
                customer={"id": "c-49", "name": "Herr Müller", "tier": "standard"},
                transcript=[
                    {"role": "customer", "text": "Mein Paket ist beschädigt angekommen.",
                     "at": "2025-03-01T09:00:00Z"},
                    {"role": "bot", "text": "Das tut mir leid. Ich verbinde Sie mit einer Person.",
                     "at": "2025-03-01T09:00:02Z"},
                ],
            )
            desk.create(
                "hi", conversation_id="grahak-hi-1", channel="rest", language="hi",
                register="formal", frustration=0.9, topic="refund_time",
                subject="रिफ़ंड कब मिलेगा", summary="refund delayed",
                customer={"id": "c-77", "name": "प्रिया शर्मा"},
                transcript=[
                    {"role": "customer", "text": "मेरा रिफ़ंड अभी तक नहीं आया!!",
                     "at": "2025-03-01T10:00:00Z"},
                ],
            )
            desk.create(
                "xss", conversation_id="hostile-1", channel="rest", language="en",
                frustration=0.2, topic="fraud",
                subject=f"Refund {IMG_PAYLOAD}", summary=SCRIPT_PAYLOAD,
                customer={"id": "c-1", "name": f"Eve {SCRIPT_PAYLOAD}"},
                transcript=[
                    {"role": "customer", "text": IMG_PAYLOAD, "at": "2025-03-01T11:00:00Z"},
                    {"role": "customer", "text": SCRIPT_PAYLOAD, "at": "2025-03-01T11:00:01Z"},
                    {"role": "bot", "text": ARABIC, "at": "2025-03-01T11:00:02Z"},
                ],
            )
            yield desk
    finally:
        store.close()
        rasa.stop()


@dataclass
class Console:
    """A browser tab on the console, with what it saw."""

    page: Any
    desk: Desk
    dialogs: list[str]
    errors: list[str]
    requests: list[tuple[str, dict[str, str]]]

    def login(self, token: str = API_TOKEN, name: str = AGENT) -> None:
        self.page.goto(f"{self.desk.url}/console")
        self.page.get_by_label("API token").fill(token)
        self.page.get_by_label("Your display name").fill(name)
        self.page.get_by_role("button", name="Sign in").click()

    def rows(self) -> Any:
        return self.page.locator("#queue-body tr")

    def row_ids(self) -> list[int]:
        return [int(i) for i in self.rows().evaluate_all("rows => rows.map(r => r.dataset.ticketId)")]

    def open(self, name: str) -> None:
        ticket_id = self.desk.tickets[name]["id"]
        self.page.locator(f"#queue-body tr[data-ticket-id='{ticket_id}']").click()
        expect(self.page.locator("#ticket-heading")).to_contain_text(f"#{ticket_id}:")


@pytest.fixture
def console(browser: Any, desk: Desk, request: pytest.FixtureRequest) -> Iterator[Console]:
    """A fresh browser context on the console; saves a screenshot when the test ends."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Berlin",
                                  viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    tab = Console(page, desk, dialogs=[], errors=[], requests=[])

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: tab.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: tab.errors.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("request", lambda sent: tab.requests.append((sent.url, sent.headers)))
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            context.close()


def logged_in(console: Console) -> Console:
    console.login()
    expect(console.page.locator("#workspace")).to_be_visible()
    expect(console.rows()).to_have_count(len(console.desk.tickets))
    return console


def no_unexpected_errors(console: Console) -> None:
    # A wrong token makes the browser log the 401 answer; nothing else may appear.
    others = [e for e in console.errors if "401" not in e]
    assert others == [], others


# --- the page itself, without a browser --------------------------------------------------


def test_console_files_are_served_with_a_strict_policy(desk: Desk) -> None:
    for path, kind in [("/console", "text/html"), ("/console/console.js", "text/javascript"),
                       ("/console/console.css", "text/css")]:
        answer = requests.get(f"{desk.url}{path}", timeout=10)
        assert answer.status_code == 200, path
        assert answer.headers["Content-Type"].startswith(kind)
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    # The page needs no token; the data does.
    assert requests.get(f"{desk.url}/api/tickets", timeout=10).status_code == 401


def test_page_has_no_inline_script_and_no_html_sinks() -> None:
    class Audit(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.problems: list[str] = []
            self.in_script = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names = dict(attrs)
            self.problems += [f"{tag}[{n}]" for n in names if n.startswith("on") or n == "style"]
            if tag == "script":
                self.in_script = True
                if not (names.get("src") or "").startswith("/console/"):
                    self.problems.append("script without a same-origin src")
            if tag == "style":
                self.problems.append("inline <style>")

        def handle_endtag(self, tag: str) -> None:
            self.in_script = self.in_script and tag != "script"

        def handle_data(self, data: str) -> None:
            if self.in_script and data.strip():
                self.problems.append("inline script body")

    audit = Audit()
    audit.feed((STATIC / "console.html").read_text(encoding="utf-8"))
    assert audit.problems == []
    code = re.sub(r"^\s*//.*$", "", (STATIC / "console.js").read_text(encoding="utf-8"),
                  flags=re.MULTILINE)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "createContextualFragment", "DOMParser"):
        assert sink not in code, sink


# --- in the browser ---------------------------------------------------------------------


def test_wrong_token_shows_an_error(console: Console) -> None:
    console.login(token="not-the-token")
    error = console.page.locator("#login-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Wrong API token")
    expect(error).to_contain_text("401")
    expect(console.page.locator("#workspace")).to_be_hidden()
    stored = console.page.evaluate("() => sessionStorage.getItem('kestrelConsole.token')")
    assert stored is None
    assert console.dialogs == []
    no_unexpected_errors(console)


def test_login_shows_the_queue_by_priority_and_filters(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    assert console.row_ids() == [desk.tickets[n]["id"] for n in ("xss", "hi", "de")]
    expect(console.rows().locator("td.priority")).to_have_text(["P1 urgent", "P2 high", "P3 normal"])
    hindi = page.locator(f"#queue-body tr[data-ticket-id='{desk.tickets['hi']['id']}']")
    expect(hindi.locator("td.subject")).to_have_text("रिफ़ंड कब मिलेगा")
    expect(hindi.locator("td.customer")).to_have_text("प्रिया शर्मा")
    expect(hindi.locator("td.status")).to_have_text("open")
    expect(hindi.locator("td.language")).to_have_text("hi")
    expect(hindi.locator("time.sla")).to_have_text(re.compile(r"^in \d+ h$"))
    expect(page.locator("#agent-name")).to_have_text(AGENT)
    assert page.evaluate("() => sessionStorage.getItem('kestrelConsole.token')") == API_TOKEN

    page.get_by_label("Language").select_option("hi")
    expect(console.rows()).to_have_count(1)
    assert console.row_ids() == [desk.tickets["hi"]["id"]]

    page.get_by_label("Language").select_option("")
    page.get_by_label("Status").select_option("assigned")
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(console.rows()).to_have_count(0)
    page.get_by_label("Status").select_option("open")
    expect(console.rows()).to_have_count(3)

    # The queue refreshes by itself: a new ticket shows up without a click.
    new = desk.create("fr", conversation_id="client-fr", language="fr", subject="Colis perdu",
                      customer={"name": "Mme Dubois"})
    expect(page.locator(f"#queue-body tr[data-ticket-id='{new['id']}']")).to_be_visible()

    # The token travels in the Authorization header only, never in a URL.
    api_calls = [(url, headers) for url, headers in console.requests if "/api/" in url]
    assert api_calls
    for url, headers in api_calls:
        assert API_TOKEN not in url
        assert headers.get("authorization") == f"Bearer {API_TOKEN}"
    page_calls = [url for url, _ in console.requests if "/api/" not in url]
    assert all(API_TOKEN not in url for url in page_calls)
    assert console.dialogs == []
    no_unexpected_errors(console)


def test_overdue_sla_is_red(console: Console) -> None:
    page = console.page
    # Two days on, every ticket's SLA (24 h at most here) has passed.
    page.clock.install(time=datetime.now(timezone.utc) + timedelta(days=2))
    logged_in(console)
    sla = console.rows().first.locator("time.sla")
    expect(sla).to_have_text(re.compile(r"overdue$"))
    expect(sla).to_have_class(re.compile(r"\boverdue\b"))
    red, green, blue = (int(part) for part in re.findall(
        r"\d+", sla.evaluate("node => getComputedStyle(node).color"))[:3])
    assert red > 150 and green < 80 and blue < 80


def test_hostile_text_is_shown_literally(console: Console) -> None:
    page = logged_in(console).page
    console.open("xss")
    transcript = page.locator("#transcript li")
    expect(transcript).to_have_count(3)
    expect(transcript.locator("p.text")).to_have_text([IMG_PAYLOAD, SCRIPT_PAYLOAD, ARABIC])
    expect(page.locator("#ticket-heading")).to_contain_text(IMG_PAYLOAD)
    expect(page.locator("#customer-context dd[data-field='name']")).to_have_text(
        f"Eve {SCRIPT_PAYLOAD}")
    expect(page.locator("#customer-context dd[data-field='summary']")).to_have_text(SCRIPT_PAYLOAD)
    expect(page.locator("#queue-body td.subject").first).to_have_text(f"Refund {IMG_PAYLOAD}")
    # Nothing became markup: no injected image or script, and nothing ran.
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    page.wait_for_timeout(500)  # time for an image error handler, had there been one
    assert page.title() != "pwned"
    assert page.evaluate("() => document.title") == "Kestrel Shop · Agent console"
    assert console.dialogs == []
    # Right-to-left text is laid out right to left (dir="auto").
    arabic = transcript.nth(2).locator("p.text")
    assert arabic.get_attribute("dir") == "auto"
    assert arabic.evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert transcript.nth(0).get_attribute("dir") == "auto"
    no_unexpected_errors(console)


def test_ticket_view_shows_context_and_new_customer_messages(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("de")
    context = page.locator("#customer-context")
    for name, value in [("name", "Herr Müller"), ("customer-id", "c-49"),
                        ("channel", "socketio"), ("language", "de"), ("register", "formal"),
                        ("frustration", "0.50"), ("topic", "damaged_item"),
                        ("summary", "Paket kam zerbrochen an")]:
        expect(context.locator(f"dd[data-field='{name}']")).to_have_text(value)
    items = page.locator("#transcript li")
    expect(items).to_have_count(2)
    assert items.evaluate_all("items => items.map(i => i.dataset.role)") == ["customer", "bot"]
    expect(items.first.locator("time")).to_have_attribute("datetime", "2025-03-01T09:00:00+00:00")
    items.first.evaluate("node => { node.dataset.marker = 'kept'; }")

    answer = requests.post(
        f"{desk.url}/api/tickets/{desk.tickets['de']['id']}/messages", timeout=10,
        headers=AUTH, json={"role": "customer", "text": "Hallo? Sind Sie noch da?"},
    )
    assert answer.status_code == 201
    expect(items).to_have_count(3)
    expect(items.last.locator("p.text")).to_have_text("Hallo? Sind Sie noch da?")
    # Appended, not redrawn: the live region announces only the new message.
    expect(items.first).to_have_attribute("data-marker", "kept")
    no_unexpected_errors(console)


def test_claim_shows_assigned(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("de")
    expect(page.locator("#ticket-status")).to_have_text("open")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#ticket-status")).to_have_text("assigned")
    expect(page.locator("#ticket-assignee")).to_have_text(AGENT)
    row = page.locator(f"#queue-body tr[data-ticket-id='{desk.tickets['de']['id']}']")
    expect(row.locator("td.status")).to_have_text("assigned")
    assert desk.ticket("de")["assignee"] == AGENT
    assert desk.events() == []  # claiming tells Rasa nothing
    no_unexpected_errors(console)


def test_reply_reaches_rasa_and_the_transcript(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("de")
    text = "Guten Tag Herr Müller, ich kümmere mich sofort darum. <b>Danke</b>"
    page.get_by_label("Reply to the customer").fill(text)
    page.get_by_role("button", name="Send reply").click()
    last = page.locator("#transcript li").last
    expect(last).to_have_attribute("data-role", "agent")
    expect(last.locator("p.text")).to_have_text(text)
    expect(page.get_by_label("Reply to the customer")).to_have_value("")
    event = ("/conversations/kunde-de-1/tracker/events",
             [{"event": "bot", "text": text, "metadata": {"agent": AGENT}}])
    assert wait_for(lambda: event in desk.events()), desk.events()
    assert desk.rasa.calls[-1]["query"] == {
        "output_channel": "latest", "execute_side_effects": "true", "token": RASA_TOKEN,
    }
    expect(page.locator("#ticket-status")).to_have_text("waiting for customer")
    no_unexpected_errors(console)


def test_note_is_internal(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("hi")
    text = "Kundin ist VIP – bitte bevorzugt behandeln"
    page.get_by_label("Internal note (not shown to the customer)").fill(text)
    page.get_by_role("button", name="Add note").click()
    note = page.locator("#notes li")
    expect(note).to_have_count(1)
    expect(note.locator("p.text")).to_have_text(text)
    expect(note.locator(".who")).to_contain_text(AGENT)
    expect(page.locator("#transcript")).not_to_contain_text(text)
    expect(page.locator("#transcript li")).to_have_count(1)
    page.wait_for_timeout(3500)  # one refresh later it is still only a note
    expect(page.locator("#transcript")).not_to_contain_text(text)
    expect(note).to_have_count(1)
    assert desk.events() == []  # notes never reach the customer
    no_unexpected_errors(console)


def test_hand_back_to_bot(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("hi")
    expect(page.locator("#ticket-handoff")).to_contain_text("with an agent")
    page.get_by_role("button", name="Hand back to bot").click()
    expect(page.locator("#ticket-handoff")).to_have_text("with the bot")
    expect(page.get_by_role("button", name="Hand back to bot")).to_be_disabled()
    slot = ("/conversations/grahak-hi-1/tracker/events",
            [{"event": "slot", "name": "handoff_active", "value": False},
             {"event": "slot", "name": "ticket_id", "value": str(desk.ticket("hi")["id"])}])
    assert wait_for(lambda: slot in desk.events()), desk.events()
    assert desk.ticket("hi")["handoff_active"] is False
    no_unexpected_errors(console)


def test_resolve(console: Console) -> None:
    desk, page = console.desk, console.page
    logged_in(console)
    console.open("de")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("#ticket-status")).to_have_text("resolved")
    expect(page.get_by_role("button", name="Resolve")).to_be_disabled()
    slot = ("/conversations/kunde-de-1/tracker/events",
            [{"event": "slot", "name": "handoff_active", "value": False},
             {"event": "slot", "name": "ticket_id", "value": str(desk.ticket("de")["id"])}])
    assert wait_for(lambda: slot in desk.events()), desk.events()
    assert desk.ticket("de")["status"] == "resolved"
    no_unexpected_errors(console)


def test_session_survives_a_reload_and_sign_out_forgets_the_token(console: Console) -> None:
    page = logged_in(console).page
    page.reload()
    expect(page.locator("#workspace")).to_be_visible()
    expect(console.rows()).to_have_count(3)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('kestrelConsole.token')") is None
    no_unexpected_errors(console)
