"""Saves a reviewed conversation as a Rasa test story (tests/) or training story (data/).

Customer text is masked (pii.py) and order numbers annotated. A message the support lead
corrected is exported with its corrected intent (it is now a training example), and the
bot's turn after it becomes what the rules prescribe for that intent, so that the story
describes the behaviour wanted rather than the mistake. The story's language is noted in
its name and metadata. Stories are appended to one file per kind, under a lock, written
atomically and parsed back with Rasa's schema before they replace the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.workspace.conversations import Conversation, Turn
from bot.workspace.nlu_edits import (
    EditRejected,
    atomic_write,
    known_intents,
    lock_for,
    training_line,
)
from bot.workspace.nlu_files import training_examples
from bot.workspace.pii import mask

KINDS = ("test", "training")
EXPORT_FILES = {
    "test": Path("tests") / "stories" / "workspace_exports.yml",
    "training": Path("data") / "stories" / "workspace_exports.yml",
}
HEADER = {
    "test": "# End-to-end test stories saved from reviewed conversations (workspace).\n",
    "training": "# Training stories saved from reviewed conversations (workspace).\n",
}
SKIPPED_INTENTS = {None, "", "nlu_fallback"}


class AlreadyExported(EditRejected):
    """The conversation is in the export file already (HTTP 409)."""


@dataclass(frozen=True)
class ExportResult:
    """Where the story went and what it says."""

    path: Path
    name: str
    story: dict[str, Any]
    notes: list[str]


def story_name(conversation: Conversation) -> str:
    """A stable name that does not reveal the conversation id (it may be a phone number)."""
    digest = hashlib.sha256(conversation.id.encode("utf-8")).hexdigest()[:10]
    return f"workspace {conversation.language or 'und'} conversation {digest}"


def rule_actions(project_dir: Path) -> dict[str, list[str]]:
    """Maps intent -> actions, from the rules that react to an intent unconditionally."""
    prescribed: dict[str, list[str]] = {}
    for path in sorted((project_dir / "data" / "rules").glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in content.get("rules") or []:
            steps = rule.get("steps") or []
            if rule.get("condition") or not steps or set(steps[0]) != {"intent"}:
                continue
            actions = [step.get("action") for step in steps[1:]]
            if actions and all(isinstance(a, str) and len(s) == 1 for a, s in zip(
                actions, steps[1:], strict=True
            )):
                prescribed.setdefault(str(steps[0]["intent"]), actions)
    return prescribed


def _story_intent(intent: str) -> str:
    """Stories name the retrieval intent (`faq`); the topic is the ResponseSelector's job."""
    return intent.split("/", 1)[0]


def build_story(
    conversation: Conversation, kind: str, project_dir: Path,
    corrections: Mapping[int, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The story steps for `conversation`, and notes on what was changed or left out.

    A customer message's intent is, in this order: the lead's correction for that turn
    (`corrections`, by turn index), the intent it has as a training example, the parse.

    Raises:
        EditRejected: an unknown kind or intent, or no customer message worth a story.
    """
    if kind not in KINDS:
        raise EditRejected(f"kind must be one of {', '.join(KINDS)}")
    corrections = dict(corrections or {})
    unknown = set(corrections.values()) - set(known_intents(project_dir))
    if unknown:
        raise EditRejected(f"unknown intent(s) {', '.join(sorted(unknown))}")
    language = conversation.language or "en"
    corrected = {
        text.strip().casefold(): intent
        for intent, text, _ in training_examples(language, project_dir)
    }
    prescribed = rule_actions(project_dir)
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    replaced_turn = False
    turns: list[Turn] = conversation.turns
    for turn in turns:
        if turn.role == "customer":
            replaced_turn = False
            intent = corrections.get(turn.index) or corrected.get(
                turn.text.strip().casefold(), turn.intent
            )
            if intent in SKIPPED_INTENTS:
                raise EditRejected(
                    "a message in this conversation was not understood (nlu_fallback); "
                    "correct its intent first"
                )
            step: dict[str, Any] = {"intent": _story_intent(str(intent))}
            if kind == "test":
                step = {"user": training_line(str(intent), mask(turn.text)), **step}
            steps.append(step)
            if intent != turn.intent:
                actions = prescribed.get(_story_intent(str(intent)))
                if actions:
                    steps.extend({"action": action} for action in actions)
                    replaced_turn = True
                    notes.append(
                        f"turn {turn.index}: corrected to {intent}; the bot's reply follows "
                        "the rules for it"
                    )
                else:
                    notes.append(
                        f"turn {turn.index}: corrected to {intent}, but no rule says what the "
                        "bot does next; the bot's actual actions were kept"
                    )
        elif turn.role == "action" and not replaced_turn:
            steps.append({"action": turn.name})
        elif turn.role == "loop" and not replaced_turn:
            steps.append({"active_loop": turn.name})
    if not any("intent" in step for step in steps):
        raise EditRejected("the conversation has no customer message to export")
    story = {
        "story": story_name(conversation),
        "metadata": {"language": language},
        "steps": steps,
    }
    return story, notes


def validate_stories(content: str) -> None:
    """Parses the file as Rasa does (YAML, then Rasa's stories schema)."""
    from rasa.shared.utils.validation import validate_yaml_schema

    try:
        validate_yaml_schema(content, "shared/utils/schemas/stories.yml")
    except Exception as error:  # YAML and schema errors alike
        raise EditRejected(f"the stories file would not be valid: {error}") from None


def export_story(
    conversation: Conversation, kind: str, project_dir: Path,
    corrections: Mapping[int, str] | None = None,
) -> ExportResult:
    """Appends `conversation` as a story to the workspace's export file of `kind`.

    Raises:
        EditRejected: the conversation cannot become a story or was exported already.
    """
    story, notes = build_story(conversation, kind, project_dir, corrections)
    path = project_dir / EXPORT_FILES[kind]
    with lock_for(project_dir, f"stories-{kind}"):
        content: dict[str, Any] = {"version": "3.1", "stories": []}
        if path.exists():
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or content
            content.setdefault("stories", [])
        if any(s.get("story") == story["story"] for s in content["stories"] or []):
            raise AlreadyExported(f"this conversation is already in {EXPORT_FILES[kind]}")
        content["stories"] = [*(content["stories"] or []), story]
        text = HEADER[kind] + yaml.safe_dump(
            content, allow_unicode=True, sort_keys=False, width=100
        )
        validate_stories(text)
        atomic_write(path, text)
    return ExportResult(path, story["story"], story, notes)
