"""The workspace routes on the real helpdesk app (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from filelock import FileLock
from sanic import Sanic

from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from bot.workspace.nlu_files import training_examples
from tests.helpdesk.conftest import API_TOKEN, AUTH, RASA_TOKEN, serving


@dataclass
class Workspace:
    url: str
    project: Path
    work_dir: Path

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(f"{self.url}/api/workspace{path}", headers=AUTH, timeout=30, **kwargs)

    def post(self, path: str, body: object = None, **kwargs: object) -> requests.Response:
        return requests.post(f"{self.url}/api/workspace{path}", json=body, headers=AUTH,
                             timeout=30, **kwargs)


@pytest.fixture
def workspace(tmp_path: Path, project: Path, endpoints: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("WORKSPACE_PROJECT_DIR", str(project))
    monkeypatch.setenv("RASA_ENDPOINTS", str(endpoints))
    monkeypatch.setenv("WORKSPACE_WORK_DIR", str(tmp_path / "work"))
    # As in tests/helpdesk: several apps per process (Sanic's touch-up runs once otherwise).
    monkeypatch.setattr(Sanic, "test_mode", True)
    store = TicketStore(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    app = create_helpdesk_app(store, API_TOKEN, "http://127.0.0.1:9", RASA_TOKEN,
                              "http://127.0.0.1:9", name=f"ws{uuid.uuid4().hex[:8]}")
    with serving(app) as url:
        yield Workspace(url, project, tmp_path / "work")
    store.close()


def test_the_api_needs_the_token_and_the_page_does_not(workspace: Workspace) -> None:
    assert requests.get(f"{workspace.url}/api/workspace/conversations", timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.get(f"{workspace.url}/api/workspace/meta", headers=wrong, timeout=10).status_code == 401
    page = requests.get(f"{workspace.url}/workspace", timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    script = requests.get(f"{workspace.url}/workspace/workspace.js", timeout=10).text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_conversations_are_listed_filtered_and_shown(workspace: Workspace) -> None:
    listed = workspace.get("/conversations", params={"flags": "fallback,frustration_rose", "language": "hi"})
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == ["angry-hi"]
    assert "turns" not in listed.json()[0]
    shown = workspace.get("/conversations/angry-hi").json()
    customer = next(t for t in shown["turns"] if t["role"] == "customer")
    assert (customer["intent"], customer["language"], customer["frustration"]) == ("nlu_fallback", "hi", 0.8)
    assert workspace.get("/conversations/nobody").status_code == 404


@pytest.mark.parametrize("query", [{"flags": "angry"}, {"since": "last week"}])
def test_bad_filters_are_400(workspace: Workspace, query: dict[str, str]) -> None:
    answer = workspace.get("/conversations", params=query)
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_a_fix_is_written_and_a_stale_second_session_gets_409(workspace: Workspace) -> None:
    version = workspace.get("/nlu/hi/version").json()["version"]
    first = workspace.post("/nlu/examples", {"language": "hi", "intent": "request_human",
                                             "text": "कोई असली आदमी से बात कराओ यार", "version": version})
    assert first.status_code == 201, first.text
    assert first.json()["file"] == "data/nlu/hi/general.yml"
    second = workspace.post("/nlu/examples", {"language": "hi", "intent": "thank",
                                              "text": "चलो ठीक है शुक्रिया दोस्त", "version": version})
    assert second.status_code == 409
    assert "reload" in second.json()["error"]
    texts = [t for _, t, _ in training_examples("hi", workspace.project)]
    assert "कोई असली आदमी से बात कराओ यार" in texts
    assert "चलो ठीक है शुक्रिया दोस्त" not in texts


@pytest.mark.parametrize("body", [
    {"language": "hi", "intent": "greet", "text": "नमस्ते"},  # duplicate
    {"language": "hi", "intent": "no_such_intent", "text": "कुछ भी"},
    {"language": "hi", "intent": "greet"},
    {"language": "hi", "intent": "greet", "text": "नया वाला नमस्ते", "version": 5},
    ["not", "an", "object"],
])
def test_bad_fixes_are_400(workspace: Workspace, body: object) -> None:
    answer = workspace.post("/nlu/examples", body)
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_invalid_json_is_400(workspace: Workspace) -> None:
    answer = requests.post(f"{workspace.url}/api/workspace/nlu/examples", data=b"{nope",
                           headers=AUTH, timeout=10)
    assert answer.status_code == 400


def test_export_writes_a_test_story_and_refuses_a_second_time(workspace: Workspace) -> None:
    answer = workspace.post("/conversations/unhelped-de/export", {"kind": "test"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["file"] == "tests/stories/workspace_exports.yml"
    assert (workspace.project / answer.json()["file"]).exists()
    assert workspace.post("/conversations/unhelped-de/export", {"kind": "test"}).status_code == 409
    assert workspace.post("/conversations/angry-hi/export", {"kind": "test"}).status_code == 400
    assert workspace.post("/conversations/calm-en/export", {"kind": "yaml"}).status_code == 400
    assert workspace.post("/conversations/nobody/export", {"kind": "test"}).status_code == 404


def test_coverage_report_and_plot(workspace: Workspace) -> None:
    report = workspace.get("/coverage").json()
    assert report["examples"]["faq/refund_time"]["hi"] >= 12
    assert set(report["languages"]) >= {"hi", "hi-Latn", "ar"}
    assert report["responses"]["utter_greet"]["de"] >= 1
    plot = workspace.get("/coverage.png")
    assert plot.status_code == 200
    assert plot.content.startswith(b"\x89PNG")


def test_retrain_is_refused_while_another_run_holds_the_lock(workspace: Workspace) -> None:
    workspace.work_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(workspace.work_dir / "retrain.lock")):
        answer = workspace.post("/retrain", {"tolerance": 0.02})
    assert answer.status_code == 409
    assert workspace.post("/retrain", {"tolerance": "lots"}).status_code == 400
    assert workspace.get("/retrain/nosuchjob").status_code == 404
    assert workspace.get("/retrain/latest").status_code == 404
