"""An agent answers from the console in a real browser; the customer gets it (full stack)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.integration.conftest import HELPDESK_TOKEN, TOKEN, Customer, is_reply

pytestmark = pytest.mark.integration


def bot_texts(stack: AssistantStack, customer: Customer) -> list[str]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{customer.sender}/tracker",
                           params={"token": TOKEN}, timeout=10).json()
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]


def test_agent_replies_from_the_console_and_hands_back(
    stack: AssistantStack, catalog: ResponseCatalog, browser: Any
) -> None:
    customer = Customer(stack, {"locale": "hi-IN"})
    customer.say("मुझे किसी इंसान से बात करनी है, मेरा रिफंड नहीं आया")
    assert customer.slots()["handoff_active"] is True
    ticket_id = customer.slots()["ticket_id"]

    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(f"{stack.helpdesk_url}/console")
        page.get_by_label("API token").fill(HELPDESK_TOKEN)
        page.get_by_label("Your display name").fill("Priya")
        page.get_by_role("button", name="Sign in").click()
        page.locator(f"#queue-body tr[data-ticket-id='{ticket_id}']").click()
        expect(page.locator("#ticket-heading")).to_contain_text(f"#{ticket_id}:")
        expect(page.locator("#transcript")).to_contain_text("मेरा रिफंड नहीं आया")

        page.get_by_role("button", name="Claim").click()
        answer = "नमस्ते, मैं प्रिया हूँ। मैं आपका रिफंड अभी देख रही हूँ।"
        page.get_by_label("Reply to the customer").fill(answer)
        page.get_by_role("button", name="Send reply").click()
        deadline = time.monotonic() + 15
        while answer not in bot_texts(stack, customer) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert answer in bot_texts(stack, customer)

        # The customer's answer reaches the agent's screen while the bot stays silent.
        assert customer.say("ठीक है, धन्यवाद") == []
        expect(page.locator("#transcript")).to_contain_text("ठीक है, धन्यवाद")

        page.get_by_role("button", name="Hand back to bot").click()
        expect(page.locator("#ticket-handoff")).to_have_text("with the bot")
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console_live_handoff.png"), full_page=True)
        context.close()

    assert customer.slots()["handoff_active"] is False
    assert any(is_reply(catalog, {"text": text}, "utter_back_to_bot", "hi")
               for text in bot_texts(stack, customer))
    replies = customer.say("मेरा रिफंड कितने दिनों में आएगा?")
    assert is_reply(catalog, replies[0], "utter_faq/refund_time", "hi")
