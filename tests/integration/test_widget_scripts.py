"""The scripted conversations of every language in the website widget (headless Chromium).

For each scenario of tests/stories/scenarios_<lang>.yml, one storefront tab per language
(browser locale of that language) opens the chat, checks the greeting and its suggested
topics, and plays the script turn by turn, all languages side by side. What the widget
shows is compared with the story and the turn invariants; how many messages a turn has is
read from the conversation's tracker, so a missing or extra message fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.culture.resources import topic_catalog
from bot.languages import SUPPORTED_LANGUAGES, language_from_locale
from bot.topology import AssistantStack
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.integration.conftest import TOKEN
from tests.integration.test_scripted_conversations import LOCALES, problems_of_turn
from tests.simulation.replies import ReplyIndex
from tests.simulation.scripts import load_scripts

pytestmark = pytest.mark.integration

SCENARIOS = ("faq_ok_thanks", "complaint_to_ticket", "order_number_later", "language_switch",
             "informal_from_the_start", "action_server_killed")
TURN_TIMEOUT_SECONDS = 40


class ChatTab:
    """One storefront tab with the widget open, in one language."""

    def __init__(self, stack: AssistantStack, browser: Any, language: str) -> None:
        self.stack = stack
        self.language = language
        self.context = browser.new_context(locale=LOCALES[language],
                                           viewport={"width": 1100, "height": 900})
        self.context.set_default_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.page.goto(f"{stack.helpdesk_url}/")
        self.page.locator(".rw-launcher").click()
        expect(self.page.locator(".rw-new-message")).to_be_visible()

    def session_id(self) -> str:
        stored = self.page.evaluate("() => JSON.parse(localStorage.getItem('chat_session'))")
        return str((stored or {}).get("session_id") or "")

    def events(self) -> list[dict[str, Any]]:
        session = self.session_id()
        if not session:
            return []
        answer = requests.get(f"{self.stack.rasa_url}/conversations/{session}/tracker",
                              params={"token": TOKEN}, timeout=10)
        return answer.json().get("events") or [] if answer.status_code == 200 else []

    def bot_texts(self) -> list[str]:
        return [" ".join(t.split()) for t in
                self.page.locator(".rw-response .rw-message-text").all_inner_texts()]

    def send(self, text: str) -> int:
        """Sends a message; returns how many bot messages were shown before it."""
        shown = len(self.bot_texts())
        clients = self.page.locator(".rw-client").count()
        self.page.locator(".rw-new-message").fill(text)
        self.page.keyboard.press("Enter")
        expect(self.page.locator(".rw-client")).to_have_count(clients + 1)
        return shown

    def wait_for_turn(self, text: str, shown_before: int) -> list[dict[str, Any]]:
        """The replies to `text`, once the bot has finished its turn and the widget shows it."""
        deadline = time.monotonic() + TURN_TIMEOUT_SECONDS
        sent = -1
        while time.monotonic() < deadline:
            events = self.events()
            users = [i for i, e in enumerate(events) if e.get("event") == "user"
                     and e.get("text") == text]
            done = users and events[-1].get("event") == "action" and events[-1].get(
                "name") == "action_listen" and len(events) - 1 > users[-1]
            if done:
                sent = sum(1 for e in events[users[-1]:] if e.get("event") == "bot")
                break
            time.sleep(0.3)
        assert sent >= 0, f"{self.language}: the bot did not finish its turn for {text!r}"
        expect(self.page.locator(".rw-response .rw-message-text")).to_have_count(
            shown_before + sent, timeout=TURN_TIMEOUT_SECONDS * 1000
        )
        return [{"text": t} for t in self.bot_texts()[shown_before:]]

    def close(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"widget_script_{name}.png"), full_page=True)
        self.context.close()


@pytest.fixture(scope="module")
def index(catalog: ResponseCatalog) -> ReplyIndex:
    return ReplyIndex.from_catalog(catalog)


@pytest.fixture
def tabs(stack: AssistantStack, browser: Any) -> Iterator[dict[str, ChatTab]]:
    opened = {language: ChatTab(stack, browser, language) for language in SUPPORTED_LANGUAGES}
    yield opened
    for language, tab in opened.items():
        tab.close(language)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scripted_conversations_in_the_widget(
    stack: AssistantStack, tabs: dict[str, ChatTab], index: ReplyIndex,
    profiles: CultureProfiles, scenario: str,
) -> None:
    problems: list[str] = []
    scripts = {lang: next(s for s in load_scripts(lang) if s.scenario == scenario)
               for lang in tabs}
    for language, tab in tabs.items():  # the chat opens with a greeting and topics
        greeting = tab.wait_for_turn("/greet", 0)
        # Nobody has written yet: the browser's language decides (hi-IN is Hindi even for
        # a customer who then types Hinglish).
        browser = language_from_locale(LOCALES[language]) or language
        keys = {m.key for m in index.matches(greeting[0]["text"]) if m.language == browser}
        expected = [b["title"] for b in topic_catalog().buttons(
            topic_catalog().suggestions["utter_greet"], browser)]
        shown = tab.page.locator(".rw-replies .rw-reply").all_inner_texts()
        if keys != {"utter_greet"} or [" ".join(t.split()) for t in shown] != expected:
            problems.append(f"{language}: greeting {greeting} with {shown}, not {expected}")
    turns = max(len(script.turns) for script in scripts.values())
    for number in range(turns):
        if any(s.metadata.get("kill_actions_before_turn") == number for s in scripts.values()):
            stack.kill("actions")  # eleven customers write while it restarts
        before = {lang: tabs[lang].send(s.turns[number].text)
                  for lang, s in scripts.items() if number < len(s.turns)}
        for language, shown_before in before.items():
            script = scripts[language]
            replies = tabs[language].wait_for_turn(script.turns[number].text, shown_before)
            problems += problems_of_turn(script, number, replies, index, profiles,
                                         rating_asked=False)
    stack.wait_ready("actions")
    assert problems == [], "\n".join(problems)
