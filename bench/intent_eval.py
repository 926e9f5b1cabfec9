"""Intent accuracy on external data sets: conversion to Rasa NLU data, configs, training, scoring.

Shared by bench/massive_bench.py and bench/banking77_bench.py. Both train Rasa NLU models with
`rasa train nlu` (a fresh, empty Rasa cache each time, so the wall time is a real training
time) and score them in-process through rasa.core.agent.Agent, exactly as the server parses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.common import machine, progress, timed_run, write_report
from bot.config import PROJECT_ROOT

# Components of our config.yml that have nothing to do on a plain intent data set: the
# order-number regex extractor (no entities) and the fallback classifier (published intent
# accuracies score the classifier's top intent).
NOT_APPLICABLE = ("RegexEntityExtractor", "FallbackClassifier")


@dataclass(frozen=True)
class LabelledText:
    """One utterance of an evaluation set."""

    text: str
    intent: str
    group: str


def stratified_share(
    examples: Sequence[LabelledText], share: float, seed: int
) -> list[LabelledText]:
    """A seeded subsample keeping `share` of every (group, intent) cell, at least one each.

    Args:
        examples: the full set.
        share: fraction to keep, 0 < share <= 1.
        seed: random seed, so runs are comparable.
    """
    if share >= 1:
        return list(examples)
    cells: dict[tuple[str, str], list[LabelledText]] = defaultdict(list)
    for example in examples:
        cells[(example.group, example.intent)].append(example)
    rng = random.Random(seed)
    kept: list[LabelledText] = []
    for key in sorted(cells):
        cell = cells[key]
        kept.extend(rng.sample(cell, max(1, round(len(cell) * share))))
    return kept


def per_group_sample(
    examples: Sequence[LabelledText], per_group: int | None, seed: int
) -> list[LabelledText]:
    """A seeded subsample of at most `per_group` examples per group (all when None)."""
    if per_group is None:
        return list(examples)
    groups: dict[str, list[LabelledText]] = defaultdict(list)
    for example in examples:
        groups[example.group].append(example)
    rng = random.Random(seed)
    kept: list[LabelledText] = []
    for group in sorted(groups):
        rows = groups[group]
        kept.extend(rows if len(rows) <= per_group else rng.sample(rows, per_group))
    return kept


def write_nlu_data(examples: Iterable[LabelledText], path: Path) -> int:
    """Writes the examples as Rasa NLU YAML; returns how many were written.

    One block per (intent, language) declares the language in its metadata (from the group,
    a locale such as "de-DE" or a tag such as "en"), as our own NLU files do: our language
    detector learns from it. Texts are written one per line of a literal block, whitespace
    collapsed (Rasa's ruamel-based writer takes minutes for 16k examples). Texts with Rasa's
    entity markup (`[..](..)`) would be read back as annotations and are skipped; MASSIVE and
    Banking77 have none in practice.
    """
    from bot.languages import language_from_locale

    blocks: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for example in examples:
        text = " ".join(example.text.split())
        if text and "](" not in text:
            blocks[(example.intent, language_from_locale(example.group))].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for (intent, language), texts in blocks.items():
        lines.append(f"- intent: {intent}")
        if language:
            lines += ["  metadata:", f"    language: {language}"]
        lines.append("  examples: |")
        lines += [f"    - {text}" for text in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(texts) for texts in blocks.values())


def our_nlu_config(path: Path) -> list[str]:
    """Writes our config.yml's NLU pipeline without NOT_APPLICABLE; returns what was removed."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    removed = [c["name"] for c in config["pipeline"] if c["name"] in NOT_APPLICABLE]
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in NOT_APPLICABLE]
    config["policies"] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return removed


def stock_nlu_config(path: Path, epochs: int, language: str = "en") -> list[str]:
    """Writes Rasa's default pipeline (what `rasa init` trains) for an intent-only data set.

    Args:
        path: where to write the config.
        epochs: DIET epochs (Rasa's default is 100).
        language: the config's language key.

    Returns:
        The default components that were left out (see NOT_APPLICABLE).
    """
    from bench.nlu_bench import STOCK_CONFIG

    pipeline = []
    removed = []
    for component in STOCK_CONFIG["pipeline"]:
        if component["name"] in NOT_APPLICABLE:
            removed.append(component["name"])
            continue
        component = dict(component)
        if component["name"] == "DIETClassifier":
            component["epochs"] = epochs
        pipeline.append(component)
    config = {"recipe": "default.v1", "language": language, "pipeline": pipeline, "policies": []}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return removed


def train_nlu(config: Path, nlu: Path, out: Path, name: str) -> dict[str, Any]:
    """`rasa train nlu` with an empty cache; returns the model path, wall time and size."""
    progress(f"   training {name} ({config.name}, {nlu.name}); Rasa's output follows")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        seconds, cpu = timed_run(
            [
                str(Path(sys.executable).parent / "rasa"), "train", "nlu",
                "--config", str(config), "--nlu", str(nlu), "--out", str(out),
                "--fixed-model-name", name,
            ],
            PROJECT_ROOT,
            {**os.environ, "RASA_CACHE_DIRECTORY": cache, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    model = out / f"{name}.tar.gz"
    progress(f"   {name}: trained in {seconds:.0f} s wall, {cpu:.0f} s CPU, "
             f"{model.stat().st_size / 1e6:.1f} MB")
    return {"model": str(model), "train_seconds": seconds, "cpu_seconds": cpu,
            "size_mb": model.stat().st_size / 1e6}


def cpu_note(info: dict[str, Any]) -> str:
    """The note " (123 s CPU)" when the training's CPU time was measured, else ""."""
    cpu = info.get("cpu_seconds")
    return f" ({cpu:.0f} s CPU)" if cpu else ""


def cached_model(name: str, work: Path) -> dict[str, Any] | None:
    """The info of a model trained earlier into `work` (None when it or its file is gone)."""
    info_file = work / f"{name}.json"
    if not info_file.exists():
        return None
    info = json.loads(info_file.read_text(encoding="utf-8"))
    return info if Path(info["model"]).exists() else None


def train_or_reuse(
    name: str, config: Path, examples: Sequence[LabelledText], work: Path, reuse: bool
) -> dict[str, Any]:
    """Trains one model on `examples` into `work`, or reuses the one cached there.

    Returns:
        {"model", "train_seconds", "size_mb", "examples", "reused"}; a reused model keeps the
        timing and example count of the run that trained it.
    """
    earlier = cached_model(name, work) if reuse else None
    if earlier is not None:
        progress(f"   {name}: REUSING the cached model {earlier['model']} (trained earlier)")
        return {**earlier, "reused": True}
    nlu = work / f"{name}.nlu.yml"
    count = write_nlu_data(examples, nlu)
    info = {**train_nlu(config, nlu, work, name), "examples": count}
    (work / f"{name}.json").write_text(json.dumps(info), encoding="utf-8")
    return {**info, "reused": False}


def predict_intents(model: Path, texts: Sequence[str], label: str) -> tuple[list[str], float]:
    """The top intent of every text as the model's server would parse it, and ms per text."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))

    async def parse_all() -> list[str]:
        intents = []
        for index, text in enumerate(texts, 1):
            parse = await agent.parse_message(text)
            intents.append((parse.get("intent") or {}).get("name") or "")
            if index % 1000 == 0:
                progress(f"   {label}: {index}/{len(texts)} parsed")
        return intents

    started = time.perf_counter()
    intents = asyncio.run(parse_all())
    return intents, (time.perf_counter() - started) * 1000 / max(1, len(texts))


def accuracy_by_group(
    examples: Sequence[LabelledText], predicted: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Per group: n and accuracy of the predicted intents against the gold ones."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for example, intent in zip(examples, predicted, strict=True):
        totals[example.group][0] += 1
        totals[example.group][1] += int(example.intent == intent)
    return {
        group: {"n": n, "accuracy": correct / n} for group, (n, correct) in sorted(totals.items())
    }


def macro(results: dict[str, dict[str, Any]]) -> float | None:
    """Unweighted mean of the per-group accuracies (None when there are no groups)."""
    values = [r["accuracy"] for r in results.values()]
    return statistics.mean(values) if values else None


def most_confused(
    examples: Sequence[LabelledText], predicted: Sequence[str], top: int = 10
) -> list[dict[str, Any]]:
    """The most frequent (gold, predicted) errors, for the report."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for example, intent in zip(examples, predicted, strict=True):
        if example.intent != intent:
            counts[(example.intent, intent)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{"gold": g, "predicted": p, "count": c} for (g, p), c in ranked]


def evaluate(
    model: Path, examples: Sequence[LabelledText], label: str
) -> dict[str, Any]:
    """Accuracy per group, macro, parse speed and top confusions of one model on `examples`."""
    progress(f"   evaluating {label} on {len(examples)} texts")
    predicted, ms = predict_intents(model, [e.text for e in examples], label)
    results = accuracy_by_group(examples, predicted)
    return {
        "per_group": results,
        "macro": macro(results),
        "ms_per_message": ms,
        "confusions": most_confused(examples, predicted),
        "predicted": predicted,
    }


def subset_accuracy(
    examples: Sequence[LabelledText], predicted: Sequence[str], subset: Sequence[LabelledText]
) -> dict[str, dict[str, Any]]:
    """Per-group accuracy restricted to `subset` (a sample of `examples`), from the same run."""
    by_example = dict(zip(examples, predicted, strict=True))
    return accuracy_by_group(subset, [by_example[e] for e in subset])


def train_both(
    work: Path, suffix: str, stock_epochs: int, ours_train: Sequence[LabelledText],
    stock_train: Sequence[LabelledText], reuse: bool,
) -> tuple[dict[str, Any], dict[str, Any], list[str], list[str]]:
    """Writes both NLU configs and trains (or reuses) our model and the stock one.

    Returns our model info, the stock model info, and what each config left out.
    """
    removed_ours = our_nlu_config(work / "ours_config.yml")
    removed_stock = stock_nlu_config(work / f"stock_config{suffix}.yml", stock_epochs)
    ours = train_or_reuse(f"ours{suffix}", work / "ours_config.yml", ours_train, work, reuse)
    stock = train_or_reuse(
        f"stock{suffix}", work / f"stock_config{suffix}.yml", stock_train, work, reuse
    )
    return ours, stock, removed_ours, removed_stock


def argument_parser(description: str, work_name: str) -> argparse.ArgumentParser:
    """The options every intent benchmark has: --quick, --seed and --reuse."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help=f"small shares; reuses models in bench/work/{work_name} when present")
    parser.add_argument("--seed", type=int, default=0, help="seed of the subsamples")
    parser.add_argument("--reuse", action="store_true",
                        help=f"reuse the models in bench/work/{work_name} in full mode too")
    return parser


def publish(
    name: str, title: str, dataset: str, result: dict[str, Any] | None, started: float,
    reports: Path, plot: Callable[[dict[str, Any], Path], None],
    report_lines: Callable[[dict[str, Any]], list[str]],
) -> None:
    """Writes the part's report, plot and JSON, or a SKIPPED report without its dataset."""
    if result is None:
        write_report(name, [f"# {title}", "", f"SKIPPED: dataset {dataset} not found."],
                     {"skipped": f"dataset {dataset} not found", "headlines": []})
        return
    result["seconds"] = time.monotonic() - started
    result["machine"] = machine(("rasa", "scikit-learn", "tensorflow"))
    reports.mkdir(parents=True, exist_ok=True)
    plot(result, reports / f"{name}.png")
    write_report(name, report_lines(result), result)
    for line in result["headlines"]:
        progress(f"{line['figure']}: {line['value']} vs {line['anchor']}")
