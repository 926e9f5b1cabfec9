"""The demo storefront's chat widget (rasa-webchat over socket.io) in headless Chromium.

Full stack: the page is served by the helpdesk, the widget talks to the real Rasa server,
replies come from the trained model and the action server. One screenshot per test goes
to tests/artifacts/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.integration.conftest import HELPDESK_TOKEN, TOKEN

pytestmark = pytest.mark.integration

# The widget shows each reply after a typing delay of up to 3 s per message.
REPLY_WAIT_MS = max(WAIT_MS, 30_000)


def shown_as(catalog: ResponseCatalog, key: str, language: str, register: str) -> re.Pattern[str]:
    """Matches a response as the widget shows it: markdown turns line breaks into spaces."""
    alternatives = []
    for variant in catalog.variants(key, language, register):
        text = " ".join(variant["text"].split())
        parts = re.split(r"\{[A-Za-z_]+\}", text)
        alternatives.append(r".+?".join(re.escape(part) for part in parts).replace(r"\ ", r"\s+"))
    return re.compile("^(?:" + "|".join(alternatives) + ")$", re.DOTALL)


class Storefront:
    """One browser tab on the demo storefront, with its chat widget."""

    def __init__(self, stack: AssistantStack, browser: Any, name: str, **context: Any) -> None:
        self.stack = stack
        self.name = name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
        self.context.set_default_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.page.goto(f"{stack.helpdesk_url}/")
        self.ensure_open()

    def ensure_open(self) -> None:
        """Opens the chat unless the widget restored it open (it keeps that state)."""
        container = self.page.locator(".rw-widget-container")
        expect(container).to_be_attached()
        if "rw-chat-open" not in (container.get_attribute("class") or ""):
            self.page.locator(".rw-launcher").click()
        expect(self.page.locator(".rw-new-message")).to_be_visible()

    def send(self, text: str) -> None:
        before = self.page.locator(".rw-client").count()
        self.page.locator(".rw-new-message").fill(text)
        self.page.keyboard.press("Enter")
        expect(self.page.locator(".rw-client")).to_have_count(before + 1)

    def wait_for_reply(self, pattern: re.Pattern[str]) -> Any:
        """The first bot message matching `pattern` (waits for it to appear)."""
        reply = self.page.locator(".rw-response").filter(has_text=pattern).first
        expect(reply).to_be_visible(timeout=REPLY_WAIT_MS)
        return reply

    def session_id(self) -> str:
        stored = self.page.evaluate("() => JSON.parse(localStorage.getItem('chat_session'))")
        return stored["session_id"]

    def tracker(self) -> dict[str, Any]:
        answer = requests.get(
            f"{self.stack.rasa_url}/conversations/{self.session_id()}/tracker",
            params={"token": TOKEN}, timeout=10,
        )
        assert answer.status_code == 200
        return answer.json()

    def close(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"widget_{self.name}.png"), full_page=True)
        self.context.close()


@pytest.fixture
def open_storefront(stack: AssistantStack, browser: Any) -> Iterator[Any]:
    opened: list[Storefront] = []

    def open_page(name: str, **context: Any) -> Storefront:
        opened.append(Storefront(stack, browser, name, **context))
        return opened[-1]

    yield open_page
    for storefront in opened:
        storefront.close()


def test_german_browser_gets_a_formal_german_answer_and_its_metadata_reaches_rasa(
    open_storefront: Any, catalog: ResponseCatalog
) -> None:
    shop = open_storefront("german", locale="de-DE", timezone_id="Europe/Berlin")
    expect(shop.page.locator(".rw-new-message")).to_have_attribute("placeholder", "Ihre Nachricht…")
    shop.send("Wie lange dauert der Versand?")
    shop.wait_for_reply(shown_as(catalog, "utter_faq/shipping_time", "de", "formal"))
    shop.wait_for_reply(shown_as(catalog, "utter_did_that_help", "de", "formal"))

    tracker = shop.tracker()
    greet, user = [e for e in tracker["events"] if e["event"] == "user"]
    assert greet["text"] == "/greet"  # sent by the widget when the chat opens
    assert user["input_channel"] == "socketio"
    assert user["metadata"]["locale"] == "de-DE"
    assert user["metadata"]["timezone"] == "Europe/Berlin"
    assert tracker["slots"]["language"] == "de" and tracker["slots"]["formality"] == "formal"


def test_hindi_message_gets_a_hindi_answer(open_storefront: Any, catalog: ResponseCatalog) -> None:
    shop = open_storefront("hindi", locale="hi-IN", timezone_id="Asia/Kolkata")
    shop.send("मेरा रिफंड कितने दिनों में आएगा?")
    shop.wait_for_reply(shown_as(catalog, "utter_faq/refund_time", "hi", "formal"))
    assert shop.tracker()["slots"]["language"] == "hi"


def test_reloading_the_page_keeps_the_conversation(
    open_storefront: Any, catalog: ResponseCatalog
) -> None:
    shop = open_storefront("reload", locale="fr-FR", timezone_id="Europe/Paris")
    shop.send("Quels moyens de paiement acceptez-vous ?")
    shop.wait_for_reply(shown_as(catalog, "utter_faq/payment_methods", "fr", "formal"))
    session = shop.session_id()

    shop.page.reload()
    shop.ensure_open()
    expect(shop.page.locator(".rw-client").first).to_have_text(
        "Quels moyens de paiement acceptez-vous ?"
    )
    assert shop.session_id() == session
    shop.send("Combien de temps prend le remboursement ?")
    shop.wait_for_reply(shown_as(catalog, "utter_faq/refund_time", "fr", "formal"))
    users = [e["text"] for e in shop.tracker()["events"] if e["event"] == "user"]
    assert users == ["/greet", "Quels moyens de paiement acceptez-vous ?",
                     "Combien de temps prend le remboursement ?"]


def test_signed_in_customer_is_greeted_by_name(open_storefront: Any) -> None:
    shop = open_storefront("customer", locale="de-DE", timezone_id="Europe/Berlin")
    with shop.page.expect_navigation():  # picking an account reloads the page
        shop.page.locator("#demo-customer").select_option(label="Herr Jonas Müller")
    shop.ensure_open()
    shop.send("Guten Tag")
    expect(shop.page.locator(".rw-response").last).to_contain_text(
        "Herr Müller", timeout=REPLY_WAIT_MS
    )
    user = [e for e in shop.tracker()["events"] if e["event"] == "user"][-1]
    assert user["metadata"]["customer"] == {"id": "c-1001", "name": "Jonas Müller", "title": "Herr"}


def test_arabic_is_shown_right_to_left(open_storefront: Any, catalog: ResponseCatalog) -> None:
    shop = open_storefront("arabic", locale="ar-SA", timezone_id="Asia/Riyadh")
    expect(shop.page.locator(".rw-new-message")).to_have_attribute("placeholder", "اكتب رسالتك…")
    shop.send("كم يستغرق الشحن؟")
    reply = shop.wait_for_reply(shown_as(catalog, "utter_faq/shipping_time", "ar", "formal"))
    direction = "element => getComputedStyle(element).direction"
    assert reply.locator(".rw-message-text").evaluate(direction) == "rtl"
    assert shop.page.locator(".rw-client .rw-message-text").first.evaluate(direction) == "rtl"
    # Latin text in the same page keeps left to right.
    assert shop.page.locator(".rw-title").evaluate(direction) == "ltr"


def test_escalation_in_the_widget_gets_the_agents_reply_from_the_console(
    open_storefront: Any, stack: AssistantStack, catalog: ResponseCatalog, browser: Any
) -> None:
    shop = open_storefront("handoff", locale="de-DE", timezone_id="Europe/Berlin")
    shop.send("Ich möchte bitte mit einem Mitarbeiter sprechen")
    created = "|".join(
        shown_as(catalog, key, "de", "formal").pattern
        for key in ("utter_ticket_created", "utter_ticket_created_offline")
    )
    shop.wait_for_reply(re.compile(created, re.DOTALL))
    ticket_id = shop.tracker()["slots"]["ticket_id"]

    console = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    console.set_default_timeout(WAIT_MS)
    agent = console.new_page()
    try:
        agent.goto(f"{stack.helpdesk_url}/console")
        agent.get_by_label("API token").fill(HELPDESK_TOKEN)
        agent.get_by_label("Your display name").fill("Jonas")
        agent.get_by_role("button", name="Sign in").click()
        agent.locator(f"#queue-body tr[data-ticket-id='{ticket_id}']").click()
        agent.get_by_role("button", name="Claim").click()
        answer = "Guten Tag, hier ist Jonas vom Kundenservice. <b>Wie</b> kann ich helfen?"
        agent.get_by_label("Reply to the customer").fill(answer)
        agent.get_by_role("button", name="Send reply").click()

        # The agent's words arrive in the same widget, as text (no markup is run or rendered).
        expect(shop.page.locator(".rw-response").last).to_contain_text(
            "hier ist Jonas vom Kundenservice", timeout=REPLY_WAIT_MS
        )
        assert shop.page.locator(".rw-response b").count() == 0

        # The customer's answer reaches the console while the bot stays silent.
        responses = shop.page.locator(".rw-response").count()
        shop.send("Meine Bestellnummer ist 482913")
        expect(agent.locator("#transcript")).to_contain_text("Meine Bestellnummer ist 482913")
        time.sleep(2)
        assert shop.page.locator(".rw-response").count() == responses
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        agent.screenshot(path=str(ARTIFACTS / "widget_handoff_console.png"), full_page=True)
        console.close()


def test_the_page_and_widget_are_served_without_a_cdn(stack: AssistantStack) -> None:
    page = requests.get(f"{stack.helpdesk_url}/", timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    widget = requests.get(f"{stack.helpdesk_url}/shop/webchat.js", timeout=10)
    assert widget.status_code == 200 and len(widget.content) > 100_000
    config = requests.get(f"{stack.helpdesk_url}/shop/config.json", timeout=10).json()
    assert config["socket_url"] == stack.rasa_url
    assert set(config["labels"]) == {"en", "hi", "hi-Latn", "es", "fr", "de", "pt", "it", "ja",
                                     "zh", "ar"}
