"""Validated, locked, atomic training-data edits on a copy of the real data."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml

from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.nlu_edits import (
    EditRejected,
    StaleVersion,
    add_example,
    data_version,
    known_intents,
)
from bot.workspace.nlu_files import (
    heldout_examples,
    heldout_overlap,
    read_examples,
    texts_in_several_intents,
    training_examples,
)


def all_training_rows(project: Path) -> list[tuple[str, str, str | None]]:
    return [row for language in SUPPORTED_LANGUAGES for row in training_examples(language, project)]


def rasa_reads(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(str(path))
    return [(m.get("intent_response_key") or m.get("intent"), m.get("text"))
            for m in data.intent_examples]


def test_a_corrected_message_lands_in_the_right_language_file(project: Path) -> None:
    before = (project / "data/nlu/hi/faq.yml").read_text(encoding="utf-8")
    result = add_example(project, "hi", "faq/refund_time", "  मेरे पैसे  कब लौटेंगे यार  ")
    assert result.path == project / "data/nlu/hi/faq.yml"
    assert result.example == "मेरे पैसे कब लौटेंगे यार"
    after = result.path.read_text(encoding="utf-8")
    # One line more, everything else untouched (comments and layout included).
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    assert ("faq/refund_time", "मेरे पैसे कब लौटेंगे यार", "hi") in read_examples(result.path)
    assert ("faq/refund_time", "मेरे पैसे कब लौटेंगे यार") in rasa_reads(result.path)
    # The repository's own content checks still hold after the edit.
    assert texts_in_several_intents(all_training_rows(project)) == {}


def test_order_numbers_are_annotated_and_account_intents_go_to_account(project: Path) -> None:
    result = add_example(project, "de", "order_status", "was ist mit 123456 los, ehrlich")
    assert result.path.name == "account.yml"
    assert result.example == "was ist mit [123456](order_id) los, ehrlich"
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    messages = RasaYAMLReader().read(str(result.path)).intent_examples
    added = [m for m in messages if m.get("text") == "was ist mit 123456 los, ehrlich"]
    assert [(e["entity"], e["value"]) for e in added[0].get("entities")] == [("order_id", "123456")]


def test_an_intent_without_a_block_gets_one_with_its_language(project: Path) -> None:
    for file in (project / "data/nlu/it").glob("*.yml"):  # no bot_challenge block anywhere
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
        content["nlu"] = [b for b in content["nlu"] if b.get("intent") != "bot_challenge"]
        file.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    add_example(project, "it", "bot_challenge", "ma sei una persona vera o un programma")
    added = ("bot_challenge", "ma sei una persona vera o un programma", "it")
    assert added in read_examples(project / "data/nlu/it/general.yml")


@pytest.mark.parametrize(("language", "intent", "text", "reason"), [
    ("hi", "greet", "नमस्ते", "already a training example of greet"),
    ("hi", "faq/refund_time", "नमस्ते", "already a training example of greet"),
    # The same text in another language's files counts too (the content test is global).
    ("es", "goodbye", "Hello there", "already a training example of greet in data/nlu/en"),
    ("xx", "greet", "hallo", "unknown language"),
    ("en", "faq", "where is my parcel", "unknown intent"),
    ("en", "faq/no_such_topic", "where is my parcel", "unknown intent"),
    ("en", "greet", "   ", "empty"),
    ("en", "greet", "hi\nthere", None),
    ("en", "greet", "hello [x](order_id)", "plain text"),
    ("en", "greet", "hi, I am ravi@example.com", "personal data (email)"),
    ("en", "greet", "x" * 301, "longer than 300"),
])
def test_invalid_edits_are_refused_and_nothing_is_written(
    project: Path, language: str, intent: str, text: str, reason: str | None
) -> None:
    versions = {lang: data_version(project, lang) for lang in SUPPORTED_LANGUAGES}
    if reason is None:  # a line break is folded into a space: allowed, one line
        add_example(project, language, intent, text)
        assert ("greet", "hi there", "en") in training_examples("en", project)
        return
    with pytest.raises(EditRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        add_example(project, language, intent, text)
    assert {lang: data_version(project, lang) for lang in SUPPORTED_LANGUAGES} == versions


def test_a_held_out_text_cannot_become_training_data(project: Path) -> None:
    intent, text, _ = heldout_examples("fr", project)[0]
    with pytest.raises(EditRejected, match=r"held out .* tests/nlu/heldout/ \(fr\)"):
        add_example(project, "fr", intent, text)
    assert heldout_overlap(training_examples("fr", project), heldout_examples("fr", project)) == []


def test_a_stale_view_gets_a_conflict_instead_of_overwriting(project: Path) -> None:
    seen_by_both = data_version(project, "ja")
    first = add_example(project, "ja", "thank", "丁寧な説明で本当に助かりました、感謝しかないです", seen_by_both)
    with pytest.raises(StaleVersion, match="reload"):
        add_example(project, "ja", "thank", "深夜なのに迅速にご対応いただき感謝いたします", seen_by_both)
    texts = [text for _, text, _ in training_examples("ja", project)]
    assert "丁寧な説明で本当に助かりました、感謝しかないです" in texts
    assert "深夜なのに迅速にご対応いただき感謝いたします" not in texts
    # With the fresh version, the second session's edit goes through.
    add_example(project, "ja", "thank", "深夜なのに迅速にご対応いただき感謝いたします", first.version)
    assert "深夜なのに迅速にご対応いただき感謝いたします" in [t for _, t, _ in training_examples("ja", project)]


def _write_many(project: Path, prefix: str) -> int:
    for number in range(6):
        add_example(project, "en", "faq/refund_time", f"{prefix} refund question number {number}")
    return 6


def test_two_writers_at_once_never_lose_or_corrupt_an_edit(project: Path) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(_write_many, [project, project], ["alpha", "beta"]))
    assert done == [6, 6]
    texts = [t for i, t, _ in training_examples("en", project) if i == "faq/refund_time"]
    for prefix in ("alpha", "beta"):
        for number in range(6):
            assert texts.count(f"{prefix} refund question number {number}") == 1
    path = project / "data/nlu/en/faq.yml"
    assert len(rasa_reads(path)) == len(read_examples(path))
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_known_intents_split_faq_into_topics(project: Path) -> None:
    intents = known_intents(project)
    assert "faq" not in intents
    assert {"greet", "request_human", "faq/refund_time", "faq/warranty"} <= set(intents)
