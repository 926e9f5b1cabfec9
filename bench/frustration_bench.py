"""Frustration benchmark: our FrustrationScorer vs VADER, a plain lexicon and a floor.

Binary task "frustrated or not", decided as the bot decides it (score >= FRUSTRATED_SCORE),
on English Reddit comments (GoEmotions test: anger, annoyance, disapproval or
disappointment = frustrated) and on tweets in eight languages (UMSAB test: negative =
frustrated); plus the false-positive rate on our own held-out neutral support questions.
Anchors in the same run: VADER (English-only, run on every language anyway), a plain
lexicon baseline written here (our own negative + anger words, substring match) and the
always-frustrated floor. Writes bench/reports/frustration.md, .json and .png.

    PYTHONPATH=. .venv/bin/python -m bench.frustration_bench [--quick]

Quick mode takes about 10 seconds, full mode 20-35 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.common import (
    REPORTS,
    SPEED_PASSES,
    citation_lines,
    dataset_citation,
    dataset_dir,
    datasets_root,
    machine,
    machine_line,
    md_cell,
    pct,
    points,
    progress,
    pyplot,
    speed_section,
    write_report,
)
from bench.common import measure_speed as common_measure_speed
from bot.config import PROJECT_ROOT
from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.frustration_scorer import FRUSTRATED_SCORE, SIGNAL_WEIGHTS, FrustrationScorer
from tests.nlu_data import heldout_examples

FRUSTRATION_DIR = PROJECT_ROOT / "data" / "frustration"
GOEMOTIONS = "goemotions"
UMSAB = "xlmt_umsab_sentiment"
# Our tag -> UMSAB folder name.
UMSAB_LANGUAGES: dict[str, str] = {
    "en": "english", "de": "german", "es": "spanish", "fr": "french",
    "it": "italian", "pt": "portuguese", "hi": "hindi", "ar": "arabic",
}
UMSAB_NEGATIVE = "0"
FRUSTRATED_EMOTIONS: tuple[str, ...] = ("anger", "annoyance", "disapproval", "disappointment")
# Held-out intents whose messages may legitimately be frustrated: not counted for the FPR.
EXCLUDED_INTENTS: tuple[str, ...] = ("deny", "request_human", "ticket_status")
LEXICON_LISTS: tuple[str, ...] = ("negative", "anger")
VADER_THRESHOLD = -0.05
TARGET_F1 = 0.80
TARGET_FPR = 0.03
SYSTEMS: tuple[str, ...] = ("ours", "vader", "lexicon", "always")
BASELINES: tuple[str, ...] = ("vader", "lexicon", "always")
SYSTEM_LABELS = {
    "ours": "ours (FrustrationScorer)",
    "vader": "VADER (English-only)",
    "lexicon": "lexicon baseline",
    "always": "always frustrated (floor)",
}
QUICK = {"goemotions": 500, "goemotions_dev": 500, "umsab": 150}
SPEED_MESSAGES = 1000
MAX_DATASET_EXAMPLES = 6
MAX_HELDOUT_FALSE_POSITIVES = 12
_MENTION_OR_URL = re.compile(r"@\w+|https?\S*|\bhttp\b|\burl\b", re.IGNORECASE)


# ---------------------------------------------------------------------------- systems


class LexiconBaseline:
    """The plain lexicon anchor: our negative + anger words, substring match, nothing else.

    No negation, no intensifiers, no style signals, no other lists: a message is
    frustrated when any entry occurs anywhere in its lower-cased text ("frustrat*" ->
    "frustrat"; "bad" also matches inside "badge").
    """

    def __init__(self, entries: dict[str, list[str]]) -> None:
        """Creates the baseline from lower-cased entries per language tag."""
        self.entries = entries
        self._regexes = {
            lang: re.compile("|".join(re.escape(e) for e in sorted(words, key=len, reverse=True)))
            for lang, words in entries.items()
            if words
        }

    @classmethod
    def from_directory(cls, directory: Path) -> LexiconBaseline:
        """Reads the `negative` and `anger` lists of every data/frustration/<lang>.yml."""
        entries: dict[str, list[str]] = {}
        for path in sorted(directory.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            language = str(content.get("language", path.stem))
            if language == "*":
                continue
            words = {
                _plain(str(entry)).rstrip("*").strip()
                for name in LEXICON_LISTS
                for entry in content.get(name) or []
            }
            entries[language] = sorted(word for word in words if word)
        return cls(entries)

    def hits(self, text: str, language: str) -> list[str]:
        """The entries found in `text` (English lists when `language` has none)."""
        regex = self._regexes.get(language) or self._regexes.get("en")
        return regex.findall(_plain(text)) if regex is not None else []


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


@dataclass
class Systems:
    """The system under test and the anchors, ready to score."""

    ours: FrustrationScorer
    vader: Any
    lexicon: LexiconBaseline

    def score_all(self, texts: Sequence[str], tags: Sequence[str]) -> dict[str, list[float]]:
        """Raw scores per system: ours 0..1, VADER compound, lexicon hit count, floor 1."""
        return {
            "ours": [self.ours.score(t, g).score for t, g in zip(texts, tags, strict=True)],
            "vader": [self.vader.polarity_scores(t)["compound"] for t in texts],
            "lexicon": [
                float(len(self.lexicon.hits(t, g))) for t, g in zip(texts, tags, strict=True)
            ],
            "always": [1.0] * len(texts),
        }


def decide(system: str, score: float) -> bool:
    """Whether `system`'s raw score means frustrated (each at its standard threshold)."""
    if system == "ours":
        return score >= FRUSTRATED_SCORE
    if system == "vader":
        return score <= VADER_THRESHOLD
    if system == "lexicon":
        return score > 0
    return True


def build_systems() -> Systems:
    """Loads our scorer, VADER and the lexicon baseline."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    progress(f"Loading FrustrationScorer from {FRUSTRATION_DIR.relative_to(PROJECT_ROOT)}")
    ours = FrustrationScorer.from_directory(FRUSTRATION_DIR)
    lexicon = LexiconBaseline.from_directory(FRUSTRATION_DIR)
    progress(
        "Lexicon baseline entries: "
        + ", ".join(f"{lang} {len(words)}" for lang, words in lexicon.entries.items())
    )
    return Systems(ours, SentimentIntensityAnalyzer(), lexicon)


def hindi_tag(text: str) -> str:
    """The tag a UMSAB Hindi tweet is scored with: "hi-Latn" when mostly ASCII letters.

    @mentions and URLs are ignored; mostly = more than half of the remaining letters.
    """
    letters = [char for char in _MENTION_OR_URL.sub(" ", text) if char.isalpha()]
    if not letters:
        return "hi"
    return "hi-Latn" if sum(char.isascii() for char in letters) / len(letters) > 0.5 else "hi"


# ---------------------------------------------------------------------------- data


@dataclass
class Task:
    """Labelled texts of one binary task, scored by every system."""

    key: str
    title: str
    language: str
    texts: list[str]
    tags: list[str]
    gold: list[bool]
    scores: dict[str, list[float]] = field(default_factory=dict)

    def predictions(self, system: str) -> list[bool]:
        """The decisions of `system` at its standard threshold."""
        return [decide(system, score) for score in self.scores[system]]


def _subsample(n: int, limit: int | None, rng: random.Random) -> list[int]:
    if limit is None or n <= limit:
        return list(range(n))
    return sorted(rng.sample(range(n), limit))


def load_goemotions(
    root: Path, split: str, limit: int | None, seed: int
) -> Task | None:
    """GoEmotions `split` (tab-separated, csv quoting; label ids index emotions.txt)."""
    path = root / f"{split}.tsv"
    emotions_path = root / "emotions.txt"
    if not path.is_file() or not emotions_path.is_file():
        progress(f"SKIP: {path.name} or emotions.txt missing in {root}")
        return None
    emotions = [line.strip() for line in emotions_path.read_text(encoding="utf-8").splitlines()]
    frustrated_ids = {str(emotions.index(name)) for name in FRUSTRATED_EMOTIONS}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if len(row) >= 2]
    keep = _subsample(len(rows), limit, random.Random(f"{seed}-goemotions-{split}"))
    texts = [rows[i][0] for i in keep]
    gold = [bool(frustrated_ids & set(rows[i][1].split(","))) for i in keep]
    return Task(
        f"goemotions-{split}", f"GoEmotions {split} (en, Reddit)", "en", texts, ["en"] * len(texts),
        gold,
    )


def load_umsab(root: Path, language: str, limit: int | None, seed: int) -> Task | None:
    """UMSAB test tweets of one language; negative (0) = frustrated."""
    folder = root / UMSAB_LANGUAGES[language]
    text_path, label_path = folder / "test_text.txt", folder / "test_labels.txt"
    if not text_path.is_file() or not label_path.is_file():
        progress(f"SKIP: {folder} has no test_text.txt/test_labels.txt; no {language} figures")
        return None
    texts = text_path.read_text(encoding="utf-8").split("\n")
    labels = label_path.read_text(encoding="utf-8").split("\n")
    while texts and not texts[-1].strip():
        texts.pop()
    while labels and not labels[-1].strip():
        labels.pop()
    if len(texts) != len(labels):
        progress(f"SKIP: {folder}: {len(texts)} texts but {len(labels)} labels")
        return None
    keep = _subsample(len(texts), limit, random.Random(f"{seed}-umsab-{language}"))
    chosen = [texts[i] for i in keep]
    tags = [hindi_tag(t) for t in chosen] if language == "hi" else [language] * len(chosen)
    return Task(
        f"umsab-{language}", f"UMSAB test {language} (tweets)", language, chosen, tags,
        [labels[i].strip() == UMSAB_NEGATIVE for i in keep],
    )


def load_heldout() -> dict[str, list[tuple[str, str]]]:
    """(intent, text) of our held-out messages per language, minus EXCLUDED_INTENTS."""
    return {
        lang: [
            (intent, text)
            for intent, text, _ in heldout_examples(lang)
            if intent not in EXCLUDED_INTENTS
        ]
        for lang in SUPPORTED_LANGUAGES
    }


# ---------------------------------------------------------------------------- evaluation


def binary_metrics(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, Any]:
    """Precision, recall and F1 of the frustrated class (F1 = 0 when nothing is right).

    Precision is None when nothing is predicted frustrated.
    """
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "tp": tp, "fp": fp, "fn": fn, "predicted_share": (tp + fp) / len(gold) if gold else None,
    }


def summarise(task: Task) -> dict[str, Any]:
    """Metrics of every system on `task`."""
    return {
        "title": task.title,
        "language": task.language,
        "n": len(task.texts),
        "frustrated": sum(task.gold),
        "prevalence": sum(task.gold) / len(task.gold) if task.gold else None,
        **{system: binary_metrics(task.gold, task.predictions(system)) for system in SYSTEMS},
    }


def best_threshold(scores: Sequence[float], gold: Sequence[bool]) -> tuple[float, float]:
    """The threshold t maximising F1 of "score >= t" (highest t on a tie) and that F1."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    positives = sum(gold)
    best_t, best_f1 = float("inf"), 0.0
    tp = predicted = 0
    k = 0
    while k < len(order):
        value = scores[order[k]]
        while k < len(order) and scores[order[k]] == value:
            tp += gold[order[k]]
            predicted += 1
            k += 1
        f1 = 2 * tp / (predicted + positives) if predicted + positives else 0.0
        if f1 > best_f1:
            best_t, best_f1 = value, f1
    return best_t, best_f1


def tuned_on_dev(dev: Task, test: Task) -> dict[str, Any]:
    """Best-F1 thresholds of ours and VADER chosen on GoEmotions dev, applied to test."""
    ours_t, ours_dev = best_threshold(dev.scores["ours"], dev.gold)
    vader_t, vader_dev = best_threshold([-s for s in dev.scores["vader"]], dev.gold)
    vader_t = -vader_t
    ours_test = binary_metrics(test.gold, [s >= ours_t for s in test.scores["ours"]])
    vader_test = binary_metrics(test.gold, [s <= vader_t for s in test.scores["vader"]])
    return {
        "dev_n": len(dev.texts),
        "ours": {
            "threshold": ours_t, "dev_f1": ours_dev,
            "dev_f1_default": binary_metrics(dev.gold, dev.predictions("ours"))["f1"],
            "test": ours_test,
        },
        "vader": {
            "threshold": vader_t, "dev_f1": vader_dev,
            "dev_f1_default": binary_metrics(dev.gold, dev.predictions("vader"))["f1"],
            "test": vader_test,
        },
    }


def hindi_by_script(task: Task) -> dict[str, dict[str, Any]]:
    """Metrics on the UMSAB Hindi tweets scored as "hi" and those scored as "hi-Latn"."""
    parts = {}
    for tag in ("hi", "hi-Latn"):
        idx = [i for i, t in enumerate(task.tags) if t == tag]
        gold = [task.gold[i] for i in idx]
        parts[tag] = {
            "n": len(idx),
            "frustrated": sum(gold),
            **{
                system: binary_metrics(gold, [task.predictions(system)[i] for i in idx])
                for system in SYSTEMS
            },
        }
    return parts


def heldout_fpr(
    heldout: dict[str, list[tuple[str, str]]], systems: Systems
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Share of our neutral held-out messages each system calls frustrated, per language.

    Returns:
        Per language {"n", system: fpr}, and ours' false positives with their signals.
    """
    results: dict[str, dict[str, Any]] = {}
    false_positives = []
    for lang, rows in heldout.items():
        texts = [text for _, text in rows]
        scores = systems.score_all(texts, [lang] * len(texts))
        results[lang] = {"n": len(texts)}
        for system in ("ours", "vader", "lexicon"):
            flags = [decide(system, s) for s in scores[system]]
            results[lang][system] = sum(flags) / len(flags) if flags else None
            results[lang][f"{system}_count"] = sum(flags)
        for (intent, text), score in zip(rows, scores["ours"], strict=True):
            if score >= FRUSTRATED_SCORE:
                found = systems.ours.score(text, lang)
                false_positives.append({
                    "language": lang, "intent": intent, "score": round(score, 3),
                    "signals": {k: list(v) for k, v in found.signals.items()},
                    "text": md_cell(text, 70),
                })
    return results, false_positives


def signal_counts(tasks: Sequence[Task], systems: Systems) -> dict[str, dict[str, int]]:
    """Which of ours' signals fire on its true and its false positives (all data sets)."""
    counts: dict[str, Counter[str]] = {"true_positives": Counter(), "false_positives": Counter()}
    for task in tasks:
        for text, tag, gold, score in zip(
            task.texts, task.tags, task.gold, task.scores["ours"], strict=True
        ):
            if score >= FRUSTRATED_SCORE:
                found = systems.ours.score(text, tag).signals
                counts["true_positives" if gold else "false_positives"].update(list(found))
    return {key: dict(counter.most_common()) for key, counter in counts.items()}


def example_errors(tasks: Sequence[Task], systems: Systems, seed: int) -> list[dict[str, Any]]:
    """A few of ours' errors (seeded, short): one missed and one false alarm per data set.

    At most MAX_DATASET_EXAMPLES in all, shortened to 70 characters.
    """
    chosen: list[dict[str, Any]] = []
    for task in tasks:
        rng = random.Random(f"{seed}-examples-{task.key}")
        for kind, wanted_gold in (("missed", True), ("false alarm", False)):
            idx = [
                i for i, (g, p) in enumerate(zip(task.gold, task.predictions("ours"), strict=True))
                if g == wanted_gold and p != g
            ]
            short = [i for i in idx if len(task.texts[i]) <= 90] or idx
            if not short or len(chosen) >= MAX_DATASET_EXAMPLES:
                continue
            i = rng.choice(short)
            found = systems.ours.score(task.texts[i], task.tags[i])
            chosen.append({
                "data_set": task.title, "kind": kind, "tag": task.tags[i],
                "score": round(found.score, 3), "signals": sorted(found.signals),
                "vader": round(task.scores["vader"][i], 3),
                "text": md_cell(task.texts[i], 70),
            })
    return chosen


def measure_speed(
    texts: list[str], tags: list[str], systems: Systems
) -> dict[str, dict[str, Any]]:
    """Messages per second of ours and VADER (bench.common.measure_speed)."""
    return common_measure_speed(len(texts), {
        "ours": lambda: [systems.ours.score(t, g) for t, g in zip(texts, tags, strict=True)],
        "vader": lambda: [systems.vader.polarity_scores(t) for t in texts],
    })


def macro(values: Sequence[float | None]) -> float | None:
    """Unweighted mean over languages; None when there is nothing to average."""
    present = [v for v in values if v is not None]
    return statistics.mean(present) if present else None


# ---------------------------------------------------------------------------- targets


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target, measured against its anchors: [{"figure", "value", "met", ...}]."""
    rows: list[dict[str, Any]] = []
    f1_tasks = {}
    if result.get("goemotions"):
        f1_tasks["GoEmotions test (en)"] = result["goemotions"]
    for lang, summary in result["umsab"].items():
        f1_tasks[f"UMSAB {lang}"] = summary
    for name, summary in f1_tasks.items():
        ours = summary["ours"]["f1"]
        best = max(BASELINES, key=lambda s: summary[s]["f1"])
        rows.append({
            "figure": f"F1, {name}", "value": ours, "kind": "f1",
            "target_met": ours >= TARGET_F1,
            "beats_baselines": all(ours > summary[s]["f1"] for s in BASELINES),
            "best_baseline": best, "best_baseline_value": summary[best]["f1"],
        })
    if result["umsab"]:
        ours = result["umsab_macro"]["ours"]["f1"]
        best = max(BASELINES, key=lambda s: result["umsab_macro"][s]["f1"])
        rows.append({
            "figure": "F1, UMSAB macro over languages", "value": ours, "kind": "f1",
            "target_met": ours >= TARGET_F1,
            "beats_baselines": all(ours > result["umsab_macro"][s]["f1"] for s in BASELINES),
            "best_baseline": best, "best_baseline_value": result["umsab_macro"][best]["f1"],
        })
    for lang, row in result["heldout_fpr"].items():
        best = min(("vader", "lexicon"), key=lambda s: row[s])
        rows.append({
            "figure": f"FPR, held-out {lang}", "value": row["ours"], "kind": "fpr",
            "target_met": row["ours"] <= TARGET_FPR,
            "beats_baselines": all(row["ours"] <= row[s] for s in ("vader", "lexicon")),
            "best_baseline": best, "best_baseline_value": row[best],
        })
    return rows


# ---------------------------------------------------------------------------- report


def f1_text(value: float | None) -> str:
    """An F1, precision or recall as "0.734", or "n/a"."""
    return "n/a" if value is None else f"{value:.3f}"


def diff_text(a: float | None, b: float | None) -> str:
    """The difference a - b of two F1 values ("+0.123"), or "n/a"."""
    return "n/a" if a is None or b is None else f"{a - b:+.3f}"


def plot(result: dict[str, Any], path: Path) -> None:
    """F1 per language (ours, VADER, lexicon; floor as a tick) and held-out FPR bars."""
    plt = pyplot()
    fig, (ax, ax_fpr) = plt.subplots(
        1, 2, figsize=(14, 4.8), gridspec_kw={"width_ratios": (1.25, 1)}
    )
    colors = {"ours": "#1f77b4", "vader": "#ff7f0e", "lexicon": "#2ca02c"}
    groups: list[tuple[str, dict[str, Any]]] = []
    if result.get("goemotions"):
        groups.append(("en\nGoEmo", result["goemotions"]))
    groups += [(f"{lang}\nUMSAB", s) for lang, s in result["umsab"].items()]
    if result["umsab"]:
        groups.append(("UMSAB\nmacro", result["umsab_macro"]))
    width = 0.27
    xs = list(range(len(groups)))
    if groups:
        for k, system in enumerate(("ours", "vader", "lexicon")):
            ax.bar([x + (k - 1) * width for x in xs], [g[system]["f1"] for _, g in groups],
                   width, label=SYSTEM_LABELS[system], color=colors[system])
        ax.scatter(xs, [g["always"]["f1"] for _, g in groups], marker="_", s=900,
                   color="black", linewidths=2, label="always frustrated (floor)", zorder=3)
        ax.axhline(TARGET_F1, color="red", linestyle="--", linewidth=1,
                   label=f"target F1 {TARGET_F1:.2f}")
        ax.set_xticks(xs, [name for name, _ in groups], fontsize=8)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncol=3,
                  frameon=False)
    else:
        ax.text(0.5, 0.5, "datasets missing: skipped", ha="center", transform=ax.transAxes)
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1 of the frustrated class")
    ax.set_title("Frustrated vs not: F1 per data set and language")

    fpr = result["heldout_fpr"]
    langs = list(fpr)
    xs = list(range(len(langs)))
    for k, system in enumerate(("ours", "vader", "lexicon")):
        ax_fpr.bar([x + (k - 1) * width for x in xs], [100 * fpr[lang][system] for lang in langs],
                   width, label=SYSTEM_LABELS[system], color=colors[system])
    ax_fpr.axhline(100 * TARGET_FPR, color="red", linestyle="--", linewidth=1,
                   label=f"target FPR <= {TARGET_FPR:.0%}")
    ax_fpr.set_xticks(xs, langs, fontsize=8, rotation=30)
    ax_fpr.set_ylabel("flagged as frustrated (%)")
    ax_fpr.set_title("False-positive rate on our held-out neutral support messages")
    ax_fpr.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=8, ncol=4,
                  frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _metrics_table(summaries: dict[str, dict[str, Any]], first: str) -> list[str]:
    lines = [
        f"| {first} | n | frustrated | system | precision | recall | F1 | flagged "
        "| ours F1 - this (diff) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, summary in summaries.items():
        for system in SYSTEMS:
            m = summary[system]
            lines.append(
                f"| {name if system == 'ours' else ''} | "
                f"{summary['n'] if system == 'ours' else ''} | "
                f"{pct(summary['prevalence']) if system == 'ours' else ''} | "
                f"{SYSTEM_LABELS[system]} | {f1_text(m['precision'])} | {f1_text(m['recall'])} | "
                f"{'**' if system == 'ours' else ''}{f1_text(m['f1'])}"
                f"{'**' if system == 'ours' else ''} | {pct(m['predicted_share'])} | "
                f"{'' if system == 'ours' else diff_text(summary['ours']['f1'], m['f1'])} |"
            )
    return lines


def _yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


def report_lines(result: dict[str, Any]) -> list[str]:
    """The Markdown report."""
    lines = [
        "# Frustration benchmark: FrustrationScorer vs VADER, a plain lexicon and a floor",
        "",
        machine_line(result["machine"]),
        f"Command: `{result['machine']['command']}` ({result['mode']} mode, seed "
        f"{result['seed']}, {result['seconds']:.0f} s).",
        "",
        "Binary task: *frustrated or not*, decided as the bot decides it. All systems run in "
        "the same process on the same texts.",
        "",
        f"- **ours**: `FrustrationScorer.from_directory(data/frustration).score(text, lang)"
        f".score >= FRUSTRATED_SCORE` ({FRUSTRATED_SCORE}).",
        f"- **VADER** (vaderSentiment {result['machine']['packages'].get('vaderSentiment')}): "
        f"frustrated when compound <= {VADER_THRESHOLD} (its standard negative threshold). "
        "VADER is an **English-only** lexicon; it is run on every language anyway, so its "
        "non-English figures mostly show what emoji, punctuation and English loan words "
        "give.",
        "- **lexicon baseline** (written in this bench): the `negative` + `anger` lists of "
        "our own data/frustration/<lang>.yml only, lower-cased, trailing `*` dropped, "
        "frustrated when any entry occurs as a substring of the lower-cased text; no "
        "negation, intensifiers, style signals (caps, !!!, emoji) or other lists "
        "(waiting, repeated contact, rejection, sarcasm, insults, profanity). Ours minus "
        "this shows what the rest of the scorer adds. Entries per language: "
        + ", ".join(f"{lang} {n}" for lang, n in result["lexicon_entries"].items())
        + ".",
        "- **always frustrated** (floor): F1 = 2p/(1+p) for the share p of frustrated texts.",
        "",
        "How ours decides (from `SIGNAL_WEIGHTS`, score = 1 - exp(-evidence)): one hit of a "
        "single signal alone scores "
        + ", ".join(
            f"{name} {1 - math.exp(-weight):.2f}"
            for name, weight in sorted(SIGNAL_WEIGHTS.items(), key=lambda kv: -kv[1])
        )
        + f"; only those >= {FRUSTRATED_SCORE} flag a message on their own ("
        + ", ".join(
            name for name, weight in SIGNAL_WEIGHTS.items()
            if 1 - math.exp(-weight) >= FRUSTRATED_SCORE
        )
        + f"; a run of three or more `!` counts double, "
        f"{1 - math.exp(-2 * SIGNAL_WEIGHTS['exclamations']):.2f}, and flags alone). A single "
        "`negative` word is not enough, while the lexicon baseline flags it.",
        "",
        "**These data sets are Reddit comments (GoEmotions) and tweets (UMSAB), not support "
        "chat.** Their labels are emotions and sentiment, not frustration with a shop: a "
        "tweet can be negative about politics or football, and a customer can be frustrated "
        "in words no Reddit comment uses. The figures are proxies; only the held-out FPR "
        "is measured on support messages.",
        "",
    ]
    if result["mode"] == "quick":
        lines += [
            f"**Quick mode**: seeded subsample (GoEmotions test {QUICK['goemotions']}, dev "
            f"{QUICK['goemotions_dev']}, UMSAB {QUICK['umsab']} per language; all held-out "
            "messages); figures are noisy. Run without `--quick` for the full report.",
            "",
        ]
    lines += ["Data sets (name and source line of each SOURCE.md):", ""]
    lines += citation_lines(result["citations"])
    lines += [
        f"- **our held-out support messages**: tests/nlu/heldout/<lang>.yml (the project's "
        f"own, never used for training), all {len(result['heldout_fpr'])} supported tags, "
        f"intents {', '.join(EXCLUDED_INTENTS)} excluded (they can be legitimately "
        "frustrated)."
    ]
    lines += [f"- SKIPPED: {message}" for message in result["skipped"]]
    lines.append("")

    rows = result["targets"]
    lines += [
        "## Targets",
        "",
        f"F1 >= {TARGET_F1:.2f} on the binary task (frustrated vs not) and above every "
        "baseline (VADER, lexicon, always frustrated) on each language; FPR <= "
        f"{TARGET_FPR:.0%} on our neutral held-out messages (and below the anchors).",
        "",
        "| figure | ours | target | target met | best anchor (same run) | ours - best anchor "
        "| beats every anchor (F1 higher; FPR not higher) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        is_f1 = row["kind"] == "f1"
        lines.append(
            f"| {row['figure']} | {f1_text(row['value']) if is_f1 else pct(row['value'])} | "
            f"{'>= ' + f1_text(TARGET_F1) if is_f1 else '<= ' + pct(TARGET_FPR)} | "
            f"{_yes(row['target_met'])} | {SYSTEM_LABELS[row['best_baseline']]} "
            f"{f1_text(row['best_baseline_value']) if is_f1 else pct(row['best_baseline_value'])}"
            f" | {diff_text(row['value'], row['best_baseline_value']) if is_f1 else points(row['value'], row['best_baseline_value']) + ' pts'}"  # noqa: E501
            f" | {_yes(row['beats_baselines'])} |"
        )
    f1_rows = [r for r in rows if r["kind"] == "f1"]
    fpr_rows = [r for r in rows if r["kind"] == "fpr"]
    lines += ["", "In plain words:", ""]
    lines += [f"- {sentence}" for sentence in result["verdict"]]
    lines += [
        "",
        f"(F1 target met on {sum(r['target_met'] for r in f1_rows)} of {len(f1_rows)} F1 "
        f"figures; every anchor beaten on {sum(r['beats_baselines'] for r in f1_rows)} of "
        f"{len(f1_rows)}; FPR target met on {sum(r['target_met'] for r in fpr_rows)} of "
        f"{len(fpr_rows)} languages.)",
        "",
        "![F1 per language and held-out FPR](frustration.png)",
        "",
    ]

    go = result.get("goemotions")
    if go:
        lines += [
            "## English: GoEmotions test",
            "",
            f"Frustrated = at least one of {', '.join(FRUSTRATED_EMOTIONS)} among the "
            "(multi-)labels; everything else (including neutral) = not frustrated. Each "
            "system at its standard threshold.",
            "",
            *_metrics_table({"GoEmotions test": go}, "data set"),
            "",
        ]
        tuned = result.get("tuned_on_dev")
        if tuned:
            o, v = tuned["ours"], tuned["vader"]
            lines += [
                "### Threshold tuned on dev",
                "",
                f"**Threshold tuned on GoEmotions dev ({tuned['dev_n']} comments), not on "
                "test**, then applied unchanged to test. VADER's compound threshold is tuned "
                "the same way, so both are compared after tuning.",
                "",
                "| system | standard threshold | F1 dev at standard | tuned threshold (dev) "
                "| F1 dev at tuned | test precision | test recall | **test F1 at tuned** "
                "| test F1 at standard | tuned - standard on test (diff) |",
                "|---|---|---|---|---|---|---|---|---|---|",
                f"| ours | score >= {FRUSTRATED_SCORE} | {f1_text(o['dev_f1_default'])} | "
                f"score >= {o['threshold']:.4f} | {f1_text(o['dev_f1'])} | "
                f"{f1_text(o['test']['precision'])} | {f1_text(o['test']['recall'])} | "
                f"**{f1_text(o['test']['f1'])}** | {f1_text(go['ours']['f1'])} | "
                f"{diff_text(o['test']['f1'], go['ours']['f1'])} |",
                f"| VADER | compound <= {VADER_THRESHOLD} | {f1_text(v['dev_f1_default'])} | "
                f"compound <= {v['threshold']:.4f} | {f1_text(v['dev_f1'])} | "
                f"{f1_text(v['test']['precision'])} | {f1_text(v['test']['recall'])} | "
                f"**{f1_text(v['test']['f1'])}** | {f1_text(go['vader']['f1'])} | "
                f"{diff_text(v['test']['f1'], go['vader']['f1'])} |",
                "",
                f"Ours tuned minus VADER tuned on test: "
                f"{diff_text(o['test']['f1'], v['test']['f1'])}. Ours' scores take few distinct "
                "values (1 - exp(-evidence) over a handful of signal weights), so the tuned "
                "threshold lands on one of them.",
                "",
            ]

    umsab = result["umsab"]
    if umsab:
        lines += [
            "## Multilingual: UMSAB test tweets",
            "",
            "Frustrated = negative (label 0); neutral (1) and positive (2) = not frustrated, so "
            "a third of each test set is frustrated. Ours and the lexicon baseline score each "
            "tweet with its language's lexicon; VADER is English-only everywhere.",
            "",
        ]
        split = result.get("hindi_split")
        if split:
            lines += [
                "Hindi: UMSAB Hindi tweets are written in Devanagari or romanized. A tweet "
                "whose letters (ignoring @mentions and URLs) are mostly (> 50%) ASCII is scored "
                "with `hi-Latn` (our romanized-Hindi lexicon), the rest with `hi`: "
                f"{split['hi-Latn']['n']} romanized, {split['hi']['n']} Devanagari "
                "(split table below).",
                "",
            ]
        lines += [*_metrics_table(umsab, "language"), ""]
        m = result["umsab_macro"]
        lines += [
            "Macro over the UMSAB languages (unweighted mean of per-language figures):",
            "",
            "| system | macro precision | macro recall | macro F1 | ours macro F1 - this (diff) |",
            "|---|---|---|---|---|",
        ]
        for system in SYSTEMS:
            lines.append(
                f"| {SYSTEM_LABELS[system]} | {f1_text(m[system]['precision'])} | "
                f"{f1_text(m[system]['recall'])} | {f1_text(m[system]['f1'])} | "
                f"{'' if system == 'ours' else diff_text(m['ours']['f1'], m[system]['f1'])} |"
            )
        lines.append("")
        if split:
            lines += [
                "UMSAB Hindi by the tag it was scored with:",
                "",
                "| scored as | n | frustrated | ours P / R / F1 | VADER F1 | lexicon F1 "
                "| floor F1 | ours - lexicon (diff) |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for tag, part in split.items():
                o = part["ours"]
                lines.append(
                    f"| {tag} | {part['n']} | {part['frustrated']} | "
                    f"{f1_text(o['precision'])} / {f1_text(o['recall'])} / {f1_text(o['f1'])} | "
                    f"{f1_text(part['vader']['f1'])} | {f1_text(part['lexicon']['f1'])} | "
                    f"{f1_text(part['always']['f1'])} | "
                    f"{diff_text(o['f1'], part['lexicon']['f1'])} |"
                )
            lines.append("")
        lines += [
            "Published reference (UMSAB SOURCE.md): fine-tuned XLM-T reaches 3-class macro-F1 "
            "0.40-0.77 per language; that is a different (3-class, trained) task, quoted "
            "for scale only.",
            "",
        ]

    fpr = result["heldout_fpr"]
    lines += [
        "## False positives on our neutral held-out support messages",
        "",
        f"Share of held-out messages (intents {', '.join(EXCLUDED_INTENTS)} excluded) that "
        f"a system calls frustrated. Target for ours: <= {TARGET_FPR:.0%}. The always-"
        "frustrated floor is 100% by construction.",
        "",
        "| language | n | ours | VADER | lexicon | ours - VADER (pts) | ours - lexicon (pts) "
        "| target met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lang, row in fpr.items():
        lines.append(
            f"| {lang} | {row['n']} | {pct(row['ours'])} ({row['ours_count']}) | "
            f"{pct(row['vader'])} ({row['vader_count']}) | {pct(row['lexicon'])} "
            f"({row['lexicon_count']}) | {points(row['ours'], row['vader'])} | "
            f"{points(row['ours'], row['lexicon'])} | {_yes(row['ours'] <= TARGET_FPR)} |"
        )
    pooled = result["heldout_pooled"]
    lines += [
        f"| **all** | {pooled['n']} | **{pct(pooled['ours'])}** | {pct(pooled['vader'])} | "
        f"{pct(pooled['lexicon'])} | {points(pooled['ours'], pooled['vader'])} | "
        f"{points(pooled['ours'], pooled['lexicon'])} | {_yes(pooled['ours'] <= TARGET_FPR)} |",
        "",
        f"One message is {pct(1 / max(1, min(r['n'] for r in fpr.values())))} of a language.",
        "",
    ]
    fps = result["heldout_false_positives"]
    if fps:
        lines += [
            f"Ours' false positives on held-out messages (our own data; up to "
            f"{MAX_HELDOUT_FALSE_POSITIVES} shown of {len(fps)}):",
            "",
            "| language | intent | score | signals | message |",
            "|---|---|---|---|---|",
        ]
        for fp in fps[:MAX_HELDOUT_FALSE_POSITIVES]:
            signals = "; ".join(
                f"{name}: {md_cell(', '.join(hits), 40)}" for name, hits in fp["signals"].items()
            )
            lines.append(
                f"| {fp['language']} | {fp['intent']} | {fp['score']:.2f} | {signals} | "
                f"{fp['text']} |"
            )
        lines.append("")

    counts = result.get("signal_counts")
    if counts:
        names = sorted(
            set(counts["true_positives"]) | set(counts["false_positives"]),
            key=lambda n: -(counts["true_positives"].get(n, 0)
                            + counts["false_positives"].get(n, 0)),
        )
        lines += [
            "## Which of ours' signals fire (GoEmotions test + UMSAB test)",
            "",
            "Texts ours flagged, by signal present (a text can have several); precision = "
            "share of flagged texts with that signal that are gold-frustrated.",
            "",
            "| signal | in true positives | in false positives | precision of the signal |",
            "|---|---|---|---|",
        ]
        for name in names:
            tp = counts["true_positives"].get(name, 0)
            fp = counts["false_positives"].get(name, 0)
            lines.append(f"| {name} | {tp} | {fp} | {pct(tp / (tp + fp) if tp + fp else None)} |")
        lines.append("")

    speed = result.get("speed")
    if speed:
        lines += speed_section(speed, SYSTEM_LABELS, "vader", result["speed_source"])

    examples = result.get("example_errors") or []
    if examples:
        lines += [
            "## A few of ours' errors",
            "",
            "At most one missed and one false alarm per data set (seeded, short texts "
            f"preferred), {MAX_DATASET_EXAMPLES} in all, first 70 characters.",
            "",
            "| data set | error | scored as | ours score | ours signals | VADER compound | text |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in examples:
            lines.append(
                f"| {e['data_set']} | {e['kind']} | {e['tag']} | {e['score']:.2f} | "
                f"{', '.join(e['signals']) or 'none'} | {e['vader']:+.2f} | {e['text']} |"
            )
        lines.append("")
    return lines


def verdict(result: dict[str, Any]) -> list[str]:
    """Plain sentences saying which targets are met."""
    rows = result["targets"]
    f1_rows = [r for r in rows if r["kind"] == "f1"]
    fpr_rows = [r for r in rows if r["kind"] == "fpr"]
    sentences = []
    if not f1_rows:
        sentences.append("F1 targets: **not measured** (GoEmotions and UMSAB both missing).")
    if f1_rows:
        met = [r["figure"].removeprefix("F1, ") for r in f1_rows if r["target_met"]]
        sentences.append(
            f"F1 >= {TARGET_F1:.2f}: "
            + ("**met** on " + ", ".join(met) if met else "**not met** on any data set")
            + (f"; not met on {len(f1_rows) - len(met)} of {len(f1_rows)}"
               if met and len(met) < len(f1_rows) else "")
            + "."
        )
        beaten = [r for r in f1_rows if not r["beats_baselines"]]
        sentences.append(
            "Above every baseline: "
            + ("**met** everywhere." if not beaten else
               "**not met** on " + ", ".join(
                   f"{r['figure'].removeprefix('F1, ')} ({SYSTEM_LABELS[r['best_baseline']]} "
                   f"{f1_text(r['best_baseline_value'])} vs ours {f1_text(r['value'])})"
                   for r in beaten
               ) + ".")
        )
    if fpr_rows:
        missed = [r for r in fpr_rows if not r["target_met"]]
        sentences.append(
            f"FPR <= {TARGET_FPR:.0%} on neutral held-out support messages: "
            + ("**met** in every language" if not missed else
               "**not met** in " + ", ".join(
                   f"{r['figure'].removeprefix('FPR, held-out ')} ({pct(r['value'])})"
                   for r in missed
               ))
            + f" (all languages pooled: {pct(result['heldout_pooled']['ours'])})."
        )
    return sentences


# ---------------------------------------------------------------------------- main


def _citation(name: str) -> dict[str, str]:
    """dataset_citation, falling back to the first bullet naming a source ("Official source:")."""
    citation = dataset_citation(name)
    if citation["source"].startswith("("):
        path = datasets_root() / name / "SOURCE.md"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                text = line.lstrip("- ").strip()
                if "source" in text.split(":", 1)[0].lower() and ":" in text:
                    citation["source"] = text
                    break
    return citation


def main() -> None:
    """Runs the benchmark and writes bench/reports/frustration.{md,json,png}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small seeded subsample; the whole run takes under a minute")
    parser.add_argument("--seed", type=int, default=0, help="seed of subsamples and examples")
    args = parser.parse_args()
    quick = args.quick
    started = time.monotonic()
    systems = build_systems()

    skipped: list[str] = []
    citations: list[dict[str, str]] = []
    tasks: list[Task] = []
    go_test = go_dev = None
    root = dataset_dir(GOEMOTIONS)
    if root is None:
        skipped.append(f"GoEmotions ({GOEMOTIONS}) not found: no English Reddit figures, no "
                       "dev-tuned threshold.")
    else:
        citations.append(_citation(GOEMOTIONS))
        go_test = load_goemotions(root, "test", QUICK["goemotions"] if quick else None, args.seed)
        go_dev = load_goemotions(root, "dev", QUICK["goemotions_dev"] if quick else None,
                                 args.seed)
        if go_test is None:
            skipped.append("GoEmotions test.tsv missing: no English Reddit figures.")
        if go_dev is None:
            skipped.append("GoEmotions dev.tsv missing: no dev-tuned threshold.")
    umsab_tasks: list[Task] = []
    root = dataset_dir(UMSAB)
    if root is None:
        skipped.append(f"UMSAB ({UMSAB}) not found: no multilingual figures.")
    else:
        citations.append(_citation(UMSAB))
        for lang in UMSAB_LANGUAGES:
            task = load_umsab(root, lang, QUICK["umsab"] if quick else None, args.seed)
            if task is None:
                skipped.append(f"UMSAB {UMSAB_LANGUAGES[lang]}: test files missing.")
            else:
                umsab_tasks.append(task)

    result: dict[str, Any] = {
        "mode": "quick" if quick else "full",
        "seed": args.seed,
        "frustrated_score": FRUSTRATED_SCORE,
        "vader_threshold": VADER_THRESHOLD,
        "targets_defined": {"f1": TARGET_F1, "fpr": TARGET_FPR},
        "lexicon_entries": {lang: len(w) for lang, w in systems.lexicon.entries.items()},
        "citations": citations,
        "skipped": skipped,
        "umsab": {},
    }
    for task in [t for t in (go_test, go_dev) if t is not None] + umsab_tasks:
        begun = time.perf_counter()
        task.scores = systems.score_all(task.texts, task.tags)
        summary = summarise(task)
        progress(
            f"== {task.title}: n={summary['n']} frustrated {pct(summary['prevalence'])}  F1 "
            + "  ".join(f"{s} {summary[s]['f1']:.3f}" for s in SYSTEMS)
            + f"  ({time.perf_counter() - begun:.1f} s)"
        )
        if task is go_test:
            result["goemotions"] = summary
            tasks.append(task)
        elif task is go_dev:
            result["goemotions_dev"] = summary
        else:
            result["umsab"][task.language] = summary
            tasks.append(task)
            if task.language == "hi":
                result["hindi_split"] = hindi_by_script(task)
                progress(
                    "   hi tweets scored as hi-Latn: "
                    f"{result['hindi_split']['hi-Latn']['n']}, as hi: "
                    f"{result['hindi_split']['hi']['n']}"
                )
    if go_test is not None and go_dev is not None:
        result["tuned_on_dev"] = tuned_on_dev(go_dev, go_test)
        t = result["tuned_on_dev"]
        progress(
            f"   threshold tuned on dev: ours >= {t['ours']['threshold']:.4f} -> test F1 "
            f"{t['ours']['test']['f1']:.3f}; VADER <= {t['vader']['threshold']:.4f} -> test F1 "
            f"{t['vader']['test']['f1']:.3f}"
        )
    if result["umsab"]:
        result["umsab_macro"] = {
            system: {
                metric: macro([s[system][metric] for s in result["umsab"].values()])
                for metric in ("precision", "recall", "f1")
            }
            for system in SYSTEMS
        }
        progress("   UMSAB macro F1: " + "  ".join(
            f"{s} {result['umsab_macro'][s]['f1']:.3f}" for s in SYSTEMS))

    progress("== Held-out neutral support messages (false-positive rate)")
    fpr, false_positives = heldout_fpr(load_heldout(), systems)
    for lang, row in fpr.items():
        progress(f"   {lang:8s} n={row['n']:4d}  ours {pct(row['ours'])}  VADER "
                 f"{pct(row['vader'])}  lexicon {pct(row['lexicon'])}")
    result["heldout_fpr"] = fpr
    total = sum(row["n"] for row in fpr.values())
    result["heldout_pooled"] = {
        "n": total,
        **{
            s: sum(row[f"{s}_count"] for row in fpr.values()) / total if total else None
            for s in ("ours", "vader", "lexicon")
        },
    }
    result["heldout_false_positives"] = false_positives

    if tasks:
        result["signal_counts"] = signal_counts(tasks, systems)
        result["example_errors"] = example_errors(tasks, systems, args.seed)
        pool = [(t, g) for task in tasks for t, g in zip(task.texts, task.tags, strict=True)]
        result["speed_source"] = "seeded sample of the GoEmotions and UMSAB test texts above"
    else:
        pool = [(text, lang) for lang, rows in load_heldout().items() for _, text in rows]
        result["speed_source"] = "our held-out messages (datasets missing)"
    rng = random.Random(f"{args.seed}-speed")
    sample = rng.sample(pool, min(SPEED_MESSAGES, len(pool)))
    while sample and len(sample) < SPEED_MESSAGES:  # tiny pools repeat
        sample.append(sample[len(sample) % len(pool)])
    if sample:
        progress(f"== Speed: {len(sample)} messages, {SPEED_PASSES} passes")
        result["speed"] = measure_speed([t for t, _ in sample], [g for _, g in sample], systems)

    result["targets"] = targets(result)
    result["verdict"] = verdict(result)
    result["seconds"] = time.monotonic() - started
    result["machine"] = machine(("vaderSentiment", "PyYAML", "matplotlib"))
    REPORTS.mkdir(parents=True, exist_ok=True)
    plot(result, REPORTS / "frustration.png")
    for sentence in result["verdict"]:
        progress("TARGET " + sentence.replace("**", ""))
    write_report("frustration", report_lines(result), result)


if __name__ == "__main__":
    main()
