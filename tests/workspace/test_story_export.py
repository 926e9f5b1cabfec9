"""Conversations from a real tracker store saved as stories: masked, corrected, valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.workspace.conversations import Conversation, ConversationReader
from bot.workspace.nlu_edits import EditRejected, add_example
from bot.workspace.story_export import EXPORT_FILES, export_story
from tests.workspace.helpers import run_async


def conversation(endpoints: Path, conversation_id: str) -> Conversation:
    found = run_async(ConversationReader(endpoints).get(conversation_id))
    assert found is not None
    return found


def rasa_stories(path: Path) -> list:  # the stories as Rasa's own reader sees them
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    project = path.parents[2]
    return YAMLStoryReader(Domain.load(str(project / "domain.yml"))).read_from_file(path)


def test_a_fallback_must_be_corrected_before_export(project: Path, endpoints: Path) -> None:
    with pytest.raises(EditRejected, match="correct its intent first"):
        export_story(conversation(endpoints, "angry-hi"), "test", project)
    assert not (project / EXPORT_FILES["test"]).exists()


def test_a_corrected_conversation_becomes_a_masked_test_story(project: Path, endpoints: Path) -> None:
    angry = conversation(endpoints, "angry-hi")
    text = angry.turns[0].text
    # The lead removes the e-mail address and teaches the model what was meant.
    add_example(project, "hi", "request_human", "यह क्या बकवास है!!! झ्र्ग्ग फ्लर्ब")
    with pytest.raises(EditRejected):  # the message itself still holds personal data
        add_example(project, "hi", "request_human", text)
    add_example(project, "hi", "request_human", text.replace("ravi@example.com", "ईमेल"))
    corrected = conversation(endpoints, "angry-hi")
    corrected.turns[0].text = text.replace("ravi@example.com", "ईमेल")
    result = export_story(corrected, "test", project)
    assert result.path == project / "tests/stories/workspace_exports.yml"
    content = yaml.safe_load(result.path.read_text(encoding="utf-8"))
    story = content["stories"][0]
    assert story["metadata"] == {"language": "hi"}
    assert "(hi)" in story["story"] or " hi " in story["story"]
    assert story["steps"][0]["intent"] == "request_human"
    # The reply after a corrected message is what the rules prescribe, not the old fallback.
    assert story["steps"][1:] == [{"action": "action_escalate"}]
    assert result.notes and "corrected to request_human" in result.notes[0]
    assert len(rasa_stories(result.path)) == 1


def test_exports_mask_personal_data(project: Path, endpoints: Path) -> None:
    angry = conversation(endpoints, "angry-hi")
    angry.turns[0].intent = "request_human"  # as if NLU had got it right
    result = export_story(angry, "test", project)
    written = result.path.read_text(encoding="utf-8")
    assert "ravi@example.com" not in written
    assert "[EMAIL]" in written
    assert "angry-hi" not in written  # the conversation id can be a phone number


def test_training_stories_go_to_data_without_text(project: Path, endpoints: Path) -> None:
    result = export_story(conversation(endpoints, "unhelped-de"), "training", project)
    assert result.path == project / "data/stories/workspace_exports.yml"
    story = yaml.safe_load(result.path.read_text(encoding="utf-8"))["stories"][0]
    assert story["metadata"] == {"language": "de"}
    assert story["steps"] == [
        {"intent": "faq"}, {"action": "utter_faq"}, {"action": "utter_did_that_help"},
        {"intent": "deny"}, {"action": "utter_faq_not_helpful"},
    ]
    assert "erstattung" not in result.path.read_text(encoding="utf-8")
    assert len(rasa_stories(result.path)) == 1


def test_the_same_conversation_is_exported_once_and_others_are_appended(
    project: Path, endpoints: Path
) -> None:
    export_story(conversation(endpoints, "calm-en"), "test", project)
    with pytest.raises(EditRejected, match="already in"):
        export_story(conversation(endpoints, "calm-en"), "test", project)
    export_story(conversation(endpoints, "unhelped-de"), "test", project)
    stories = yaml.safe_load((project / EXPORT_FILES["test"]).read_text(encoding="utf-8"))["stories"]
    assert [s["metadata"]["language"] for s in stories] == ["en", "de"]


def test_unknown_kind_is_refused(project: Path, endpoints: Path) -> None:
    with pytest.raises(EditRejected, match="kind"):
        export_story(conversation(endpoints, "calm-en"), "markdown", project)
