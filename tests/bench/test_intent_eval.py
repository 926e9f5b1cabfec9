"""Dataset conversion and scoring helpers of the external intent benchmarks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench import banking77_bench, intent_eval, massive_bench
from bench.intent_eval import LabelledText


def _examples() -> list[LabelledText]:
    rows = []
    for group in ("de-DE", "ja-JP"):
        rows += [LabelledText(f"{group} alarm {i}", "alarm_set", group) for i in range(8)]
        rows += [LabelledText(f"{group} play {i}", "play_music", group) for i in range(4)]
        rows.append(LabelledText(f"{group} rare", "rare_intent", group))
    return rows


def test_stratified_share_keeps_every_cell() -> None:
    sample = intent_eval.stratified_share(_examples(), 0.25, seed=3)
    cells = Counter((e.group, e.intent) for e in sample)
    assert cells == {("de-DE", "alarm_set"): 2, ("de-DE", "play_music"): 1,
                     ("de-DE", "rare_intent"): 1, ("ja-JP", "alarm_set"): 2,
                     ("ja-JP", "play_music"): 1, ("ja-JP", "rare_intent"): 1}
    assert sample == intent_eval.stratified_share(_examples(), 0.25, seed=3)
    assert intent_eval.stratified_share(_examples(), 1.0, seed=3) == _examples()


def test_per_group_sample_caps_each_group() -> None:
    sample = intent_eval.per_group_sample(_examples(), 5, seed=1)
    assert Counter(e.group for e in sample) == {"de-DE": 5, "ja-JP": 5}
    assert intent_eval.per_group_sample(_examples(), None, seed=1) == _examples()


def test_written_nlu_data_reads_back_with_language_metadata(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [
        LabelledText("wecke mich um 7", "alarm_set", "de-DE"),
        LabelledText("  音楽を\nかけて ", "play_music", "ja-JP"),
        LabelledText("weird [markup](entity)", "alarm_set", "de-DE"),
        LabelledText("where is my card", "card_arrival", "en"),
        LabelledText("#1 card: 'blocked'? - yes", "card_arrival", "en"),
    ]
    path = tmp_path / "nlu.yml"
    assert intent_eval.write_nlu_data(examples, path) == 4
    loaded = load_data(str(path))
    got = {(m.get("text"), m.get("intent"), m.get("metadata")["intent"]["language"])
           for m in loaded.training_examples}
    assert got == {("wecke mich um 7", "alarm_set", "de"), ("音楽を かけて", "play_music", "ja"),
                   ("where is my card", "card_arrival", "en"),
                   ("#1 card: 'blocked'? - yes", "card_arrival", "en")}


def test_configs_drop_what_does_not_apply(tmp_path: Path) -> None:
    import yaml

    removed = intent_eval.our_nlu_config(tmp_path / "ours.yml")
    ours = yaml.safe_load((tmp_path / "ours.yml").read_text())
    names = [c["name"] for c in ours["pipeline"]]
    assert set(removed) == {"RegexEntityExtractor", "FallbackClassifier"}
    assert not set(removed) & set(names)
    assert "bot.nlu.language_detector.LanguageDetector" in names
    assert ours["policies"] == []
    intent_eval.stock_nlu_config(tmp_path / "stock.yml", epochs=7)
    stock = yaml.safe_load((tmp_path / "stock.yml").read_text())
    diet = next(c for c in stock["pipeline"] if c["name"] == "DIETClassifier")
    assert diet["epochs"] == 7
    assert stock["pipeline"][0]["name"] == "WhitespaceTokenizer"


def test_accuracy_by_group_macro_and_confusions() -> None:
    gold = [LabelledText("a", "x", "g1"), LabelledText("b", "y", "g1"),
            LabelledText("c", "x", "g2"), LabelledText("d", "x", "g2")]
    predicted = ["x", "x", "x", "y"]
    results = intent_eval.accuracy_by_group(gold, predicted)
    assert results == {"g1": {"n": 2, "accuracy": 0.5}, "g2": {"n": 2, "accuracy": 0.5}}
    assert intent_eval.macro(results) == 0.5
    assert intent_eval.macro({}) is None
    assert intent_eval.most_confused(gold, predicted) == [
        {"gold": "x", "predicted": "y", "count": 1}, {"gold": "y", "predicted": "x", "count": 1}
    ]
    assert intent_eval.subset_accuracy(gold, predicted, gold[2:]) == {
        "g2": {"n": 2, "accuracy": 0.5}
    }
    with pytest.raises(ValueError):
        intent_eval.accuracy_by_group(gold, predicted[:2])


def test_massive_jsonl_and_banking77_csv_are_read(tmp_path: Path) -> None:
    for locale in massive_bench.LOCALES:
        (tmp_path / "dev").mkdir(exist_ok=True)
        record = {"id": "1", "locale": locale, "partition": "dev", "scenario": "alarm",
                  "intent": "alarm_set", "utt": f"text in {locale}"}
        (tmp_path / "dev" / f"{locale}.jsonl").write_text(json.dumps(record) + "\n\n")
    rows = massive_bench.load_split(tmp_path, "dev")
    assert len(rows) == len(massive_bench.LOCALES)
    assert rows[0] == LabelledText("text in ar-SA", "alarm_set", "ar-SA")
    (tmp_path / "test.csv").write_text('text,category\n"Hi, where is my card?",card_arrival\n')
    assert banking77_bench.load_split(tmp_path, "test") == [
        LabelledText("Hi, where is my card?", "card_arrival", "en")
    ]


def test_massive_target_counts_exactly_three_points_as_met() -> None:
    difference = 100 * (0.71 - 0.68)  # 2.9999999999999916 in floating point
    assert difference < 3
    assert massive_bench.meets_target(difference)
    assert not massive_bench.meets_target(2.9)
