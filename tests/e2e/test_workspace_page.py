"""The workspace page in headless Chromium, on the real helpdesk app and a real tracker store.

Conversations come from tests/workspace/helpers.py (written through Rasa's SQLTrackerStore);
edits go to a copy of the project. The full path with the live stack and a retrain is in
tests/integration/test_workspace_live.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sanic import Sanic

from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from bot.workspace.nlu_files import training_examples
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.helpdesk.conftest import API_TOKEN, RASA_TOKEN, serving
from tests.workspace.helpers import (
    copy_project,
    demo_conversations,
    save_conversations,
    user,
    write_endpoints,
)


@dataclass
class Page:
    url: str
    project: Path


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    project = copy_project(tmp_path / "project")
    conversations = demo_conversations()
    # Customer text that tries to be markup must stay text.
    conversations["markup-en"] = [
        user("<img src=x onerror=\"document.title='pwned'\"> help", "nlu_fallback", 0.1, "en"),
    ]
    save_conversations(tmp_path / "tracker.db", conversations)
    monkeypatch.setenv("WORKSPACE_PROJECT_DIR", str(project))
    monkeypatch.setenv("RASA_ENDPOINTS", str(write_endpoints(tmp_path / "e.yml", tmp_path / "tracker.db")))
    monkeypatch.setenv("WORKSPACE_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setattr(Sanic, "test_mode", True)
    store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    app = create_helpdesk_app(store, API_TOKEN, "http://127.0.0.1:9", RASA_TOKEN,
                              "http://127.0.0.1:9", name=f"wsp{uuid.uuid4().hex[:8]}")
    with serving(app) as url:
        yield Page(url, project)
    store.close()


def signed_in(browser: Any, url: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{url}/workspace")
    page.get_by_label("API token").fill(API_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#conversation-rows tr").first).to_be_visible()
    return context, page


def test_wrong_token_is_refused(workspace: Page, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{workspace.url}/workspace")
        page.get_by_label("API token").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#login-error")).to_have_text("That token is not valid.")
        expect(page.locator("#conversations-view")).to_be_hidden()
    finally:
        context.close()


def test_filter_review_correct_and_export(workspace: Page, browser: Any) -> None:
    context, page = signed_in(browser, workspace.url)
    try:
        page.locator("#filter-language").select_option("hi")
        page.get_by_label("Fell back").check()
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#conversation-rows tr")).to_have_count(1)
        page.locator("#conversation-rows tr[data-conversation-id='angry-hi']").click()
        message = page.locator("#transcript li.customer").first
        expect(message).to_contain_text("intent nlu_fallback (0.21)")
        expect(message).to_contain_text("frustration 0.80")

        message.get_by_role("button", name="Correct intent").click()
        # The message holds an e-mail address: refused until the lead removes it.
        page.get_by_label("Correct intent").select_option("request_human")
        page.get_by_role("button", name="Add training example").click()
        expect(page.locator("#fix-status")).to_contain_text("personal data (email)")
        page.get_by_label("Example text").fill("यह क्या बकवास है!!! झ्र्ग्ग फ्लर्ब")
        page.get_by_role("button", name="Add training example").click()
        expect(page.locator("#fix-status")).to_contain_text("Added to data/nlu/hi/general.yml")
        assert ("request_human", "यह क्या बकवास है!!! झ्र्ग्ग फ्लर्ब", "hi") in training_examples(
            "hi", workspace.project)

        page.get_by_role("button", name="Export as training story").click()
        expect(page.locator("#export-result")).to_contain_text("data/stories/workspace_exports.yml")
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "workspace_review.png"), full_page=True)
        context.close()


def test_two_sessions_editing_the_same_language_never_overwrite(workspace: Page, browser: Any) -> None:
    first_context, first = signed_in(browser, workspace.url)
    second_context, second = signed_in(browser, workspace.url)
    try:
        for page in (first, second):
            page.locator("#conversation-rows tr[data-conversation-id='unhelped-de']").click()
            page.locator("#transcript li.customer").first.get_by_role(
                "button", name="Correct intent").click()
        first.get_by_label("Example text").fill("wie lange dauert die erstattung eigentlich genau")
        first.get_by_label("Correct intent").select_option("faq/refund_time")
        first.get_by_role("button", name="Add training example").click()
        expect(first.locator("#fix-status")).to_contain_text("Added to data/nlu/de/faq.yml")
        second.get_by_label("Example text").fill("erstattung wie viele tage dauert das denn")
        second.get_by_label("Correct intent").select_option("faq/refund_time")
        second.get_by_role("button", name="Add training example").click()
        expect(second.locator("#fix-status")).to_contain_text("changed since you loaded it")
        # After the conflict the page has the fresh version: saving again works.
        second.get_by_role("button", name="Add training example").click()
        expect(second.locator("#fix-status")).to_contain_text("Added to data/nlu/de/faq.yml")
    finally:
        first_context.close()
        second_context.close()
    texts = [t for i, t, _ in training_examples("de", workspace.project) if i == "faq/refund_time"]
    assert texts.count("wie lange dauert die erstattung eigentlich genau") == 1
    assert texts.count("erstattung wie viele tage dauert das denn") == 1


def test_markup_in_customer_text_stays_text(workspace: Page, browser: Any) -> None:
    context, page = signed_in(browser, workspace.url)
    try:
        page.locator("#conversation-rows tr[data-conversation-id='markup-en']").click()
        expect(page.locator("#transcript li.customer").first).to_contain_text("<img src=x")
        assert page.locator("#transcript img").count() == 0
        assert page.title() != "pwned"
    finally:
        context.close()


def test_coverage_page_shows_counts_gaps_and_the_plot(workspace: Page, browser: Any) -> None:
    # A gap to find: the French greeting is missing from the copy.
    responses = workspace.project / "data/responses/fr.yml"
    content = yaml.safe_load(responses.read_text(encoding="utf-8"))
    del content["responses"]["utter_greet"]
    responses.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    context, page = signed_in(browser, workspace.url)
    try:
        page.get_by_role("button", name="Coverage").click()
        expect(page.locator("#coverage-table")).to_contain_text("faq/refund_time")
        expect(page.locator("#coverage-missing")).to_contain_text("fr · response · utter_greet")
        # Drawing the heat map takes a few seconds on a busy machine.
        expect(page.locator("#coverage-plot")).to_be_visible(timeout=60_000)
        width = page.locator("#coverage-plot").evaluate("image => image.naturalWidth")
        assert width > 100
        page.screenshot(path=str(ARTIFACTS / "workspace_coverage.png"), full_page=True)
    finally:
        context.close()
