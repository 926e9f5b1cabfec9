"""Real test material for the workspace: a project copy and a real Rasa tracker store."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.config import PROJECT_ROOT

T = TypeVar("T")

PROJECT_PARTS = ("config.yml", "domain.yml", "data", "tests/stories", "tests/nlu/heldout")


# Retraining the copy for real, but small: the flow is what the tests check, not accuracy.
QUICK_EPOCHS = 3
QUICK_HELDOUT_PER_INTENT = 1


def copy_project(target: Path, with_model: bool = False, quick: bool = False) -> Path:
    """The files the workspace edits and trains on, copied so tests never touch the real ones.

    `quick` shrinks the copy's training (few epochs) and held-out set (one example per
    intent and language), so that a retrain-and-check takes minutes on 2 cores.
    """
    for part in PROJECT_PARTS:
        source, destination = PROJECT_ROOT / part, target / part
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
    (target / "models").mkdir(exist_ok=True)
    if with_model:
        from bot.training import latest_model

        model = latest_model(PROJECT_ROOT / "models")
        assert model is not None, "no trained model in models/"
        shutil.copy2(model, target / "models" / model.name)
    if quick:
        _shrink(target)
    return target


def _shrink(project: Path) -> None:
    config_path = project / "config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    for component in [*config.get("pipeline", []), *config.get("policies", [])]:
        if "epochs" in component:
            component["epochs"] = QUICK_EPOCHS
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                           encoding="utf-8")
    for path in (project / "tests" / "nlu" / "heldout").rglob("*.yml"):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        lines = ['version: "3.1"', "nlu:"]
        for block in content["nlu"]:
            examples = [line for line in block["examples"].splitlines() if line.strip()]
            lines += [f"  - intent: {block['intent']}", "    metadata:",
                      f"      language: {block['metadata']['language']}", "    examples: |"]
            lines += [f"      {line.strip()}" for line in examples[:QUICK_HELDOUT_PER_INTENT]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_endpoints(path: Path, database: Path) -> Path:
    """An endpoints file naming a SQLite tracker store, as the launcher writes it."""
    path.write_text(yaml.safe_dump({
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(database)},
    }), encoding="utf-8")
    return path


def user(text: str, intent: str, confidence: float, language: str = "en",
         frustration: float = 0.0, channel: str = "rest", topic: str | None = None,
         entities: list[dict[str, Any]] | None = None) -> Any:
    """A UserUttered event as our NLU pipeline produces it."""
    from rasa.shared.core.events import UserUttered

    parse: dict[str, Any] = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "text": text,
        "language": {"name": language, "confidence": 0.95, "supported": True},
        "frustration": {"score": frustration, "signals": []},
        "formality": {"name": "formal", "confidence": 0.5},
    }
    if topic:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": topic}}}
    return UserUttered(text, parse["intent"], entities or [], parse_data=parse,
                       input_channel=channel)


def action(name: str) -> Any:
    from rasa.shared.core.events import ActionExecuted

    return ActionExecuted(name)


def bot(text: str, response: str) -> Any:
    from rasa.shared.core.events import BotUttered

    return BotUttered(text, metadata={"utter_action": response})


def slot(name: str, value: Any) -> Any:
    from rasa.shared.core.events import SlotSet

    return SlotSet(name, value)


def save_conversations(database: Path, conversations: dict[str, list[Any]],
                       start: float | None = None) -> None:
    """Writes conversations through Rasa's SQLTrackerStore, one second apart in that order."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(database))
    moment = start or time.time() - 3600
    for sender, events in conversations.items():
        for event in [action("action_session_start"), action("action_listen"), *events]:
            event.timestamp = moment
            moment += 1
        tracker = DialogueStateTracker.from_events(sender, events)
        run_async(store.save(tracker))


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs a coroutine to its end in its own thread.

    A browser test's sync Playwright keeps an event loop running in the main thread for the
    rest of the session, so asyncio.run() there would fail.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def demo_conversations() -> dict[str, list[Any]]:
    """A calm English FAQ, a frustrated Hindi fallback, a German "that didn't help" with a bad
    rating, and an escalation on socket.io; each flag appears where expected.
    """
    return {
        "calm-en": [
            user("how long does shipping take", "faq", 0.97, "en", topic="faq/shipping_time"),
            action("utter_faq"), bot("3-5 days", "utter_faq/shipping_time"),
            action("utter_did_that_help"), bot("Did that help?", "utter_did_that_help"),
            user("yes thanks", "affirm", 0.99, "en"),
            action("utter_glad_to_help"), bot("Glad to help", "utter_glad_to_help"),
        ],
        "angry-hi": [
            slot("language", "hi"),
            user("यह क्या बकवास है!!! झ्र्ग्ग फ्लर्ब, मेरा ईमेल ravi@example.com है", "nlu_fallback",
                 0.21, "hi", frustration=0.8),
            slot("frustration", 0.8),
            bot("माफ़ कीजिए", "utter_acknowledge_frustration"),
            action("action_fallback"), bot("समझ नहीं आया", "utter_default"),
        ],
        "unhelped-de": [
            slot("language", "de"),
            user("wie lange dauert die erstattung", "faq", 0.45, "de", topic="faq/refund_time"),
            action("utter_faq"), bot("5 Tage", "utter_faq/refund_time"),
            action("utter_did_that_help"), bot("Hat das geholfen?", "utter_did_that_help"),
            user("nein", "deny", 0.98, "de"),
            action("utter_faq_not_helpful"), bot("Schade", "utter_faq_not_helpful"),
            slot("csat_score", "1"),
        ],
        "escalated-es": [
            user("quiero hablar con una persona", "request_human", 0.99, "es", channel="socketio"),
            action("action_escalate"), slot("ticket_id", "17"),
        ],
    }
