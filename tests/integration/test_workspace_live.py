"""The support lead's whole path in a real browser, on conversations from the live stack.

A Hindi customer sends an angry message the model does not understand (REST, real Rasa).
The lead signs in to /workspace, finds the conversation with the filters, corrects the
intent of the failing message, exports the conversation as a test story, starts a retrain
and sees the per-language comparison. The workspace reads the live stack's tracker store;
its edits and the retrain go to a copy of the project (tests never write into data/ or
models/), and the model activation is recorded by a stand-in instead of swapping the model
of the Rasa server the rest of the session uses.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from sanic import Sanic

from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from bot.languages import SUPPORTED_LANGUAGES
from bot.topology import AssistantStack
from bot.workspace.nlu_files import training_examples
from tests.browser import ARTIFACTS, WAIT_MS, expect
from tests.helpdesk.conftest import serving
from tests.integration.conftest import TOKEN as STACK_RASA_TOKEN
from tests.integration.conftest import Customer
from tests.workspace.helpers import copy_project
from tests.workspace.retrain_support import (
    CORRECT_INTENT,
    FRUSTRATED_GIBBERISH_HI,
    MORE_GIBBERISH_HI,
    ModelLoadRecorder,
)

pytestmark = pytest.mark.integration
TOKEN = "workspace-live-token"
RASA_TOKEN = "workspace-live-rasa-token"
# Training on 2 shared cores: generous, the page polls until the run ends.
RETRAIN_WAIT_MS = 25 * 60 * 1000


@dataclass
class LiveWorkspace:
    url: str
    project: Path
    recorder: ModelLoadRecorder


@pytest.fixture
def workspace(stack: AssistantStack, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveWorkspace]:
    project = copy_project(tmp_path / "project", with_model=True, quick=True)
    recorder = ModelLoadRecorder(RASA_TOKEN).start()
    monkeypatch.setenv("WORKSPACE_PROJECT_DIR", str(project))
    monkeypatch.setenv("WORKSPACE_WORK_DIR", str(tmp_path / "work"))
    # The tracker store the live Rasa writes to, named as the launcher names it.
    monkeypatch.setenv("KESTREL_VAR_DIR", str(stack.var_dir))
    monkeypatch.delenv("RASA_ENDPOINTS", raising=False)
    monkeypatch.setattr(Sanic, "test_mode", True)
    store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    app = create_helpdesk_app(store, TOKEN, recorder.url, RASA_TOKEN, stack.action_url,
                              name=f"workspace_{uuid.uuid4().hex[:8]}")
    try:
        with serving(app) as url:
            yield LiveWorkspace(url, project, recorder)
    finally:
        recorder.stop()
        store.close()


def falling_back_angry_hindi(stack: AssistantStack) -> str:
    """The first candidate the served model does not understand and scores as frustrated."""
    for text in (FRUSTRATED_GIBBERISH_HI, *MORE_GIBBERISH_HI):
        parse = requests.post(f"{stack.rasa_url}/model/parse", params={"token": STACK_RASA_TOKEN},
                              json={"text": text}, timeout=30).json()
        if parse["intent"]["name"] == "nlu_fallback" and parse["frustration"]["score"] >= 0.35:
            return text
    pytest.fail("the served model understands every angry gibberish candidate; add another")


def test_lead_finds_a_frustrated_hindi_fallback_fixes_it_exports_and_retrains(
    stack: AssistantStack, workspace: LiveWorkspace, browser: Any
) -> None:
    angry = falling_back_angry_hindi(stack)
    customer = Customer(stack, {"locale": "hi-IN"})
    customer.say(angry)
    calm = Customer(stack, {"locale": "hi-IN"})
    calm.say("नमस्ते")

    context = browser.new_context(locale="en-GB", viewport={"width": 1500, "height": 1100})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(f"{workspace.url}/workspace")
        page.get_by_label("API token").fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()

        # Find it: Hindi, fell back, frustration rose.
        page.locator("#filter-language").select_option("hi")
        page.get_by_label("Fell back").check()
        page.get_by_label("Frustration rose").check()
        page.get_by_role("button", name="Search").click()
        row = page.locator(f"#conversation-rows tr[data-conversation-id='{customer.sender}']")
        expect(row).to_be_visible()
        expect(page.locator(f"#conversation-rows tr[data-conversation-id='{calm.sender}']")).to_have_count(0)
        row.click()
        message = page.locator("#transcript li.customer").first
        expect(message).to_contain_text(angry)
        expect(message).to_contain_text("intent nlu_fallback")
        expect(message).to_contain_text("language hi")
        expect(page.locator("#conversation-flags")).to_contain_text("Frustration rose")

        # Correct the failing message's intent; it becomes a Hindi training example.
        message.get_by_role("button", name="Correct intent").click()
        expect(page.get_by_label("Example text")).to_have_value(angry)
        expect(page.get_by_label("Language", exact=True)).to_have_value("hi")
        page.get_by_label("Correct intent").select_option(CORRECT_INTENT)
        page.get_by_role("button", name="Add training example").click()
        expect(page.locator("#fix-status")).to_contain_text("Added to data/nlu/hi/general.yml")

        # Export the conversation as a test story.
        page.get_by_role("button", name="Export as test story").click()
        expect(page.locator("#export-result")).to_contain_text("tests/stories/workspace_exports.yml")
        expect(page.locator("#export-result")).to_contain_text(f"intent: {CORRECT_INTENT}")

        # Retrain and see the per-language comparison with the previous model.
        page.get_by_role("button", name="Retrain", exact=True).click()
        page.get_by_role("button", name="Retrain and check").click()
        expect(page.locator("#retrain-log")).to_contain_text("1/5 validating")
        expect(page.locator("#retrain-state")).to_have_text(
            re.compile(r"^(passed|failed)"), timeout=RETRAIN_WAIT_MS
        )
        expect(page.locator("#comparison-rows tr")).to_have_count(len(SUPPORTED_LANGUAGES))
        hindi = page.locator("#comparison-rows tr[data-language='hi']")
        expect(hindi).to_contain_text("%")
        state = page.locator("#retrain-state").inner_text()
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "workspace_live_retrain.png"), full_page=True)
        context.close()

    # The edits are files in the project (copy), with the language noted and data masked.
    assert (CORRECT_INTENT, angry, "hi") in training_examples("hi", workspace.project)
    stories = yaml.safe_load((workspace.project / "tests/stories/workspace_exports.yml").read_text("utf-8"))
    story = stories["stories"][0]
    assert story["metadata"] == {"language": "hi"}
    assert story["steps"][0] == {"user": angry, "intent": CORRECT_INTENT}
    assert customer.sender not in yaml.safe_dump(stories, allow_unicode=True)
    # A model is activated only when it passed; then Rasa is told to load it.
    activated = "new model activated" in state
    assert activated == state.startswith("passed")
    assert len(workspace.recorder.calls) == (1 if activated else 0)
