"""Register benchmark: does the bot recognise the customer's own formal or informal register?

Scores our RegisterIdentifier on CoCoA-MT, where every English segment has a formal and an
informal reference translation (de, es, fr, hi, it, ja, pt): both sentences of each row are
scored. CoCoA-MT is split by domain: call_center (customer support) is our TEST split, scored
only for this report; telephony + topical_chat are the DEV split, the only data the register
markers may be tuned on. Anchors in the same run on the same split: the majority baseline
(always the culture's default register) and a pronoun-only baseline written here (T/V
pronouns only). Every accuracy has n and a 95% Wilson interval (macro: bench.stats).
Writes bench/reports/register.md, .json and .png.

    PYTHONPATH=. .venv/bin/python -m bench.register_bench [--quick]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import re
import statistics
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    REPORTS,
    citation_lines,
    dataset_citation,
    dataset_dir,
    machine,
    machine_line,
    md_cell,
    pct,
    points,
    progress,
    pyplot,
    write_report,
)
from bench.stats import ci, macro_interval, wilson
from bot.config import PROJECT_ROOT
from bot.nlu.register_identifier import (
    FORMAL,
    INFORMAL,
    UNDECIDED_CONFIDENCE,
    RegisterIdentifier,
)

DATASET = "cocoa_mt_formality"
LANGUAGES: tuple[str, ...] = ("de", "es", "fr", "hi", "it", "ja", "pt")
DOMAINS: tuple[str, ...] = ("call_center", "telephony", "topical_chat")
# The split by domain (issue 14): tune on DEV only; TEST is scored only for the report.
SPLITS: dict[str, tuple[str, ...]] = {
    "test": ("call_center",),
    "dev": ("telephony", "topical_chat"),
}
SYSTEMS: tuple[str, ...] = ("ours", "pronouns", "majority")
SYSTEM_LABELS = {
    "ours": "ours (RegisterIdentifier)",
    "pronouns": "pronoun-only baseline",
    "majority": "majority (culture default)",
}
TARGET = 0.95
QUICK_ROWS = 15  # per domain
MAX_ERRORS_PER_LANGUAGE = 5
TOP_MISSED = 6
# CoCoA-MT's annotated columns mark the formality-bearing phrases: [F]Ihre[/F].
_ANNOTATION = re.compile(r"\[F\](.*?)\[/F\]")
CULTURE_DIR = PROJECT_ROOT / "data" / "culture"


# ---------------------------------------------------------------------------- baseline

# Informal (T) and formal (V) pronouns per language. Entries ending in "*" match any word
# that starts with them; `cased` languages match the formal forms only when capitalised.
_PRONOUNS: dict[str, dict[str, Any]] = {
    "de": {"informal": ["du", "dich", "dir", "dein*"], "formal": ["Sie", "Ihnen", "Ihr*"],
           "cased": True},
    "fr": {"informal": ["tu", "te", "toi", "ton", "ta", "tes"],
           "formal": ["vous", "votre", "vos"], "cased": False},
    "es": {"informal": ["tú", "te", "ti", "tu", "tus"], "formal": ["usted", "ustedes"],
           "cased": False},
    "it": {"informal": ["tu", "ti", "te", "tuo", "tua"],
           "formal": ["Lei", "La", "Le", "Suo", "Sua"], "cased": True},
    "pt": {"informal": ["tu", "te", "ti", "teu", "tua"],
           "formal": ["você", "o senhor", "a senhora"], "cased": False},
    "hi": {"informal": ["तुम", "तू", "तुम्हारा", "तेरा"], "formal": ["आप", "आपका", "आपको"],
           "cased": False},
}
# Japanese has no T/V pronoun pair in practice: polite endings decide, plain = none of them.
_JA_POLITE = ("です", "ます", "ください", "ございます", "でしょう")
# Splits words; apostrophes split too, so French "t'aime" gives "t", "aime".
_SEPARATORS = re.compile(r"[\s.,!?;:\"()\[\]{}«»„“”‘'’…/–—¿¡।॥*&+=<>|-]+")


def _tokens(text: str) -> list[str]:
    return [token for token in _SEPARATORS.split(text) if token]


def _count(tokens: list[str], entries: list[str], cased: bool) -> int:
    hits = 0
    folded = tokens if cased else [token.lower() for token in tokens]
    for entry in entries:
        parts = entry.split()
        if len(parts) > 1:
            hits += sum(
                folded[i : i + len(parts)] == parts for i in range(len(folded) - len(parts) + 1)
            )
        elif entry.endswith("*"):
            hits += sum(token.startswith(entry[:-1]) for token in folded)
        else:
            hits += sum(token == entry for token in folded)
    return hits


def pronoun_register(text: str, language: str, default: str = FORMAL) -> tuple[str, bool]:
    """The pronoun-only baseline: counts T and V pronouns; a tie gives `default`.

    Args:
        text: one sentence.
        language: one of LANGUAGES.
        default: the register when the counts tie (none found).

    Returns:
        "formal" or "informal", and whether the counts decided it (False on a tie).
    """
    if language == "ja":
        polite = any(marker in text for marker in _JA_POLITE)
        return (FORMAL if polite else INFORMAL), True
    spec = _PRONOUNS[language]
    tokens = _tokens(text)
    informal = _count(tokens, [e.lower() for e in spec["informal"]], cased=False)
    formal_entries = spec["formal"] if spec["cased"] else [e.lower() for e in spec["formal"]]
    formal = _count(tokens, formal_entries, cased=spec["cased"])
    if formal == informal:
        return default, False
    return (FORMAL if formal > informal else INFORMAL), True


# ---------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Item:
    """One scored sentence."""

    language: str
    domain: str
    line: str
    gold: str
    text: str
    annotated: str = ""


def load_items(root: Path, language: str, limit: int | None, seed: int) -> list[Item] | None:
    """Formal and informal sentences of one CoCoA-MT file (both per row).

    `limit` seeded rows per domain (quick mode), else all. The TSV quotes fields the csv
    module's way, so it is read with csv's default quoting and a tab delimiter.
    """
    path = root / f"cocoa_mt_test_en-{language}.tsv"
    if not path.is_file():
        progress(f"SKIP: {path} missing; no {language} figures")
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if limit is not None:
        rng = random.Random(f"{seed}-register-{language}")
        keep: set[int] = set()
        for domain in DOMAINS:
            indices = [i for i, row in enumerate(rows) if row["domain"] == domain]
            keep.update(rng.sample(indices, min(limit, len(indices))))
        rows = [row for i, row in enumerate(rows) if i in keep]
    items = []
    for row in rows:
        for register in (FORMAL, INFORMAL):
            text = (row.get(f"{language}_{register}") or "").strip()
            annotated = (row.get(f"{language}_{register}_annotated") or "").strip()
            if text:
                items.append(
                    Item(language, row["domain"], row["line"], register, text, annotated)
                )
    return items


# ---------------------------------------------------------------------------- evaluation

Predictions = dict[str, list[str]]
Flags = dict[str, list[bool]]


def evaluate(items: list[Item], ours: RegisterIdentifier) -> tuple[Predictions, Flags, float]:
    """Predictions of every system for `items`, undecided flags and ours' seconds.

    Returns:
        Predictions per system; per system that can abstain (ours, pronouns) whether it
        found no deciding marker and fell back to the default; ours' run time.
    """
    predictions: Predictions = {system: [] for system in SYSTEMS}
    undecided: Flags = {"ours": [], "pronouns": []}
    started = time.perf_counter()
    for item in items:
        guess = ours.identify(item.text, item.language)
        predictions["ours"].append(guess.name)
        undecided["ours"].append(guess.confidence == UNDECIDED_CONFIDENCE)
    seconds = time.perf_counter() - started
    for item in items:
        default = ours.defaults.get(item.language, FORMAL)
        register, decided = pronoun_register(item.text, item.language, default)
        predictions["pronouns"].append(register)
        undecided["pronouns"].append(not decided)
        predictions["majority"].append(default)
    return predictions, undecided, seconds


def subset(
    items: list[Item], predictions: Predictions, undecided: Flags, domains: tuple[str, ...]
) -> tuple[list[Item], Predictions, Flags]:
    """The items of some domains (one split) with their predictions and undecided flags."""
    keep = [k for k, item in enumerate(items) if item.domain in domains]
    return (
        [items[k] for k in keep],
        {s: [values[k] for k in keep] for s, values in predictions.items()},
        {s: [values[k] for k in keep] for s, values in undecided.items()},
    )


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def cell(flags: list[bool]) -> dict[str, Any] | None:
    """Accuracy of right/wrong flags with n and its 95% Wilson interval."""
    if not flags:
        return None
    correct = sum(flags)
    return {"accuracy": correct / len(flags), "correct": correct, "n": len(flags),
            "ci": wilson(correct, len(flags))}


def macro_cell(cells: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """Unweighted mean over languages with its 95% interval (bench.stats.macro_interval)."""
    present = [c for c in cells if c]
    if not present:
        return None
    return {"accuracy": statistics.mean(c["accuracy"] for c in present),
            "n": sum(c["n"] for c in present),
            "ci": macro_interval([(c["correct"], c["n"]) for c in present])}


def _acc(c: dict[str, Any] | None) -> float | None:
    return None if c is None else c["accuracy"]


def show(c: dict[str, Any] | None) -> str:
    """"97.5% [95.4, 98.7]", or "n/a"."""
    return "n/a" if c is None else f"{pct(c['accuracy'])} {ci(c['ci'])}"


def summarise(
    items: list[Item], predictions: Predictions, undecided: Flags, domains: tuple[str, ...]
) -> dict[str, Any]:
    """Accuracy cells per system overall, per gold register and per domain; undecided shares."""
    def accuracy(system: str, keep: Callable[[Item], bool]) -> dict[str, Any] | None:
        return cell(
            [p == item.gold for item, p in zip(items, predictions[system], strict=True)
             if keep(item)]
        )

    summary: dict[str, Any] = {"n": len(items), "rows": len({(i.domain, i.line) for i in items})}
    for system in SYSTEMS:
        summary[system] = {
            "all": accuracy(system, lambda _: True),
            "formal": accuracy(system, lambda i: i.gold == FORMAL),
            "informal": accuracy(system, lambda i: i.gold == INFORMAL),
            "domains": {
                domain: accuracy(system, lambda i, d=domain: i.domain == d) for domain in domains
            },
        }
    summary["undecided"] = {
        system: {
            "all": _share(flags),
            "formal": _share([u for u, i in zip(flags, items, strict=True) if i.gold == FORMAL]),
            "informal": _share(
                [u for u, i in zip(flags, items, strict=True) if i.gold == INFORMAL]
            ),
        }
        for system, flags in undecided.items()
    }
    # Both sentences of a row right: the minimal pair is told apart.
    by_line: dict[tuple[str, str], list[bool]] = defaultdict(list)
    texts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item, predicted in zip(items, predictions["ours"], strict=True):
        by_line[item.domain, item.line].append(predicted == item.gold)
        texts[item.domain, item.line].add(item.text)
    summary["ours"]["pairs_both_right"] = cell([all(v) for v in by_line.values()])
    # Rows whose formal and informal renderings are the same text: one of them must be wrong.
    summary["identical_pairs"] = sum(len(v) == 1 for v in texts.values())
    return summary


def missed_markers(items: list[Item], predictions: Predictions) -> list[tuple[str, int]]:
    """The annotated formality markers most frequent in ours' wrong sentences."""
    missed: Counter[str] = Counter()
    for item, predicted in zip(items, predictions["ours"], strict=True):
        if predicted != item.gold:
            missed.update(span.strip() for span in _ANNOTATION.findall(item.annotated))
    return missed.most_common(TOP_MISSED)


def example_errors(
    items: list[Item], predictions: Predictions, undecided: list[bool]
) -> list[dict[str, str]]:
    """At most MAX_ERRORS_PER_LANGUAGE of ours' errors, spread over domains and registers."""
    errors = [
        (item, undecided[k]) for k, item in enumerate(items) if predictions["ours"][k] != item.gold
    ]
    chosen, seen = [], set()
    for item, was_undecided in errors:  # first pass: one per (domain, gold register)
        if (item.domain, item.gold) not in seen and len(chosen) < MAX_ERRORS_PER_LANGUAGE:
            seen.add((item.domain, item.gold))
            chosen.append((item, was_undecided))
    for pair in errors:
        if len(chosen) >= MAX_ERRORS_PER_LANGUAGE:
            break
        if pair not in chosen:
            chosen.append(pair)
    return [
        {
            "language": item.language, "domain": item.domain, "gold": item.gold,
            "predicted": INFORMAL if item.gold == FORMAL else FORMAL,
            "undecided": was_undecided, "text": md_cell(item.text, 70),
        }
        for item, was_undecided in chosen
    ]


def _visible(span: str) -> str:
    """A marker for a table cell, with invisible oddities spelled out.

    Zero-width (non-)joiners become <ZWJ>/<ZWNJ>, and a combining sign written twice in a
    row (e.g. two anusvaras) is named, since both look like the ordinary spelling.
    """
    shown = md_cell(span, 30).replace("\u200d", "<ZWJ>").replace("\u200c", "<ZWNJ>")
    doubled = {
        f"U+{ord(a):04X}"
        for a, b in itertools.pairwise(span)
        if a == b and unicodedata.category(a).startswith("M")
    }
    return shown + (f" [doubled {', '.join(sorted(doubled))}]" if doubled else "")


def split_figures(languages: dict[str, dict[str, Any]], domains: tuple[str, ...]) -> dict:
    """Macro cells over languages of one split: overall and per domain, per system."""
    rows = languages.values()
    return {
        "domains": list(domains),
        "languages": languages,
        "macro": {s: macro_cell([r[s]["all"] for r in rows]) for s in SYSTEMS},
        "domain_macro": {
            d: {s: macro_cell([r[s]["domains"][d] for r in rows]) for s in SYSTEMS}
            for d in domains
        },
    }


def headlines(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary row for REPORT.md: the call_center TEST split, macro over languages."""
    test = result["splits"]["test"]
    languages, macros = test["languages"], test["macro"]
    if not languages:
        return []
    ours, pronouns, majority = (macros[s] for s in SYSTEMS)
    worst = min(languages, key=lambda lang: languages[lang]["ours"]["all"]["accuracy"])
    return [{
        "figure": f"register (formal/informal), CoCoA-MT call_center TEST split (n={ours['n']} "
        f"sentences), macro over {len(languages)} languages; optimistic: markers were tuned "
        "earlier on misses on all of CoCoA-MT",
        "value": f"{show(ours)} (worst {worst} "
        f"{pct(languages[worst]['ours']['all']['accuracy'])})",
        "anchor": f"same split: pronoun-only baseline {show(pronouns)}, majority "
        f"{pct(_acc(majority))}",
        "comparison": f"{points(_acc(ours), _acc(pronouns))} pts vs pronouns",
        "target": f">= {TARGET:.0%} per language",
        "met": all(r["ours"]["all"]["accuracy"] >= TARGET for r in languages.values()),
    }]


# ---------------------------------------------------------------------------- report

SPLIT_OF = {domain: split for split, domains in SPLITS.items() for domain in domains}
SPLIT_TITLES = {
    "test": "TEST split: call_center (customer support), scored only for this report",
    "dev": "DEV split: telephony + topical_chat (for reference; the only data tuning may use)",
}


def plot(splits: dict[str, dict[str, Any]], path: Path) -> None:
    """TEST split per language (3 systems, 95% CIs) with the target line; per domain."""
    plt = pyplot()
    fig, (ax, ax_domain) = plt.subplots(
        1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": (2.4, 1)}
    )
    colors = {"ours": "#1f77b4", "pronouns": "#ff7f0e", "majority": "#9a9a9a"}
    width = 0.27

    def bars(axis: Any, cells: list[dict[str, Any] | None], k: int, system: str,
             **kwargs: Any) -> None:
        values = [100 * (_acc(c) or 0) for c in cells]
        errors = [[100 * (c["accuracy"] - c["ci"][0]) if c else 0 for c in cells],
                  [100 * (c["ci"][1] - c["accuracy"]) if c else 0 for c in cells]]
        axis.bar([x + (k - 1) * width for x in range(len(cells))], values, width,
                 yerr=errors, capsize=2, color=colors[system], **kwargs)

    test = splits["test"]
    results = test["languages"]
    for k, system in enumerate(SYSTEMS):
        cells = [results[lang][system]["all"] for lang in results] + [test["macro"][system]]
        bars(ax, cells, k, system, label=SYSTEM_LABELS[system])
    for axis in (ax, ax_domain):
        axis.axhline(100 * TARGET, color="red", linestyle="--", linewidth=1,
                     label=f"target {TARGET:.0%} per language")
        axis.set_ylim(0, 105)
    ax.set_xticks(range(len(results) + 1), [*results, "macro"])
    ax.set_ylabel("accuracy (%), formal + informal sentences")
    ax.set_title("CoCoA-MT call_center (TEST split): register accuracy, 95% CI")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8, ncol=4,
              frameon=False)
    for k, system in enumerate(SYSTEMS):
        cells = [splits[SPLIT_OF[d]]["domain_macro"][d][system] for d in DOMAINS]
        bars(ax_domain, cells, k, system)
    ax_domain.set_xticks(range(len(DOMAINS)),
                         [f"{d.replace('_', chr(10))}\n({SPLIT_OF[d].upper()})" for d in DOMAINS],
                         fontsize=8)
    ax_domain.set_title("per domain (macro over languages)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _defaults_text(defaults: dict[str, str]) -> str:
    by_register: dict[str, list[str]] = defaultdict(list)
    for language, register in defaults.items():
        by_register[register].append(language)
    return "; ".join(f"{r} for {', '.join(langs)}" for r, langs in by_register.items())


def language_table(split: dict[str, Any]) -> list[str]:
    """Accuracy per language and macro of the three systems on one split."""
    results, macros = split["languages"], split["macro"]
    lines = [
        "| language | sentences | ours | pronoun-only | majority | ours - pronoun (pts) "
        "| ours - majority (pts) | target met | ours undecided | pronoun-only undecided |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, row in results.items():
        ours, pronouns, majority = (row[s]["all"] for s in SYSTEMS)
        lines.append(
            f"| {lang} | {row['n']} | {show(ours)} | {show(pronouns)} | {show(majority)} | "
            f"{points(_acc(ours), _acc(pronouns))} | {points(_acc(ours), _acc(majority))} | "
            f"{'yes' if ours['accuracy'] >= TARGET else '**no**'} | "
            f"{pct(row['undecided']['ours']['all'])} | "
            f"{pct(row['undecided']['pronouns']['all'])} |"
        )
    ours, pronouns, majority = (macros[s] for s in SYSTEMS)
    undecided = {
        s: statistics.mean(r["undecided"][s]["all"] for r in results.values())
        for s in ("ours", "pronouns")
    }
    met = sum(r["ours"]["all"]["accuracy"] >= TARGET for r in results.values())
    lines.append(
        f"| **macro** | {ours['n']} | **{show(ours)}** | **{show(pronouns)}** | "
        f"**{show(majority)}** | **{points(_acc(ours), _acc(pronouns))}** | "
        f"**{points(_acc(ours), _acc(majority))}** | {met}/{len(results)} | "
        f"{pct(undecided['ours'])} | {pct(undecided['pronouns'])} |"
    )
    return lines


def register_table(split: dict[str, Any]) -> list[str]:
    """Formal and informal sentences separately on one split; pairs told apart."""
    lines = [
        "| language | sentences formal / informal | ours on formal | pronoun on formal "
        "| ours on informal | pronoun on informal | undecided on formal: ours / pronoun "
        "| undecided on informal: ours / pronoun | ours both of the pair (rows) "
        "| identical pairs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, row in split["languages"].items():
        ours, pron = row["ours"], row["pronouns"]
        ours_u, pron_u = row["undecided"]["ours"], row["undecided"]["pronouns"]
        lines.append(
            f"| {lang} | {ours['formal']['n']} / {ours['informal']['n']} | "
            f"{show(ours['formal'])} | {show(pron['formal'])} | {show(ours['informal'])} | "
            f"{show(pron['informal'])} | {pct(ours_u['formal'])} / {pct(pron_u['formal'])} | "
            f"{pct(ours_u['informal'])} / {pct(pron_u['informal'])} | "
            f"{show(ours['pairs_both_right'])} (n={row['rows']}) | {row['identical_pairs']} |"
        )
    return lines


def report_lines(result: dict[str, Any]) -> list[str]:
    """The Markdown report."""
    splits = result["splits"]
    lines = [
        "# Register benchmark: the customer's own formal or informal register",
        "",
        machine_line(result["machine"]),
        f"Command: `{result['machine']['command']}` ({result['mode']} mode, seed "
        f"{result['seed']}, {result['seconds']:.1f} s).",
        "",
        "Every CoCoA-MT row has a formal and an informal reference translation of the "
        "same English segment; both sentences are scored, so half the sentences are formal "
        "and the majority baseline scores 50% by construction. **ours** is "
        "`RegisterIdentifier.from_culture_dir(data/culture).identify(text, lang)`; when no "
        "marker decides (confidence 0.5, *undecided*) it reports the culture's default "
        "register. Anchors in the same run on the same split: **majority** always answers "
        f"the culture's default register ({_defaults_text(result['defaults'])}); "
        "**pronoun-only** counts T and V "
        "pronouns only (de du/dich/dir/dein* vs capitalised Sie/Ihnen/Ihr*; fr "
        "tu/te/toi/ton/ta/tes vs vous/votre/vos; es tú/te/ti/tu/tus vs usted/ustedes; it "
        "tu/ti/te/tuo/tua vs capitalised Lei/La/Le/Suo/Sua; pt tu/te/ti/teu/tua vs "
        "você/o senhor/a senhora; hi तुम/तू/तुम्हारा/तेरा vs आप/आपका/आपको; ja formal when "
        "です/ます/ください/ございます/でしょう occurs, else plain), ties go to the default.",
        "",
        "Every accuracy is given with its n (sentences) and a 95% interval in brackets: "
        "Wilson per language, and for a macro over languages the normal interval of a mean "
        "of independent proportions (`bench.stats.macro_interval`). The formal and informal "
        "sentence of a row share their content, so the intervals are if anything narrow.",
        "",
        "## Evaluation hygiene",
        "",
        "CoCoA-MT is split by domain. **DEV** = `telephony` + `topical_chat` (general spoken "
        "conversation and text chat): the only data on which the register markers "
        "(`register_markers` in data/culture/<lang>.yml) may be tuned. **TEST** = "
        "`call_center` (simulated customer-support calls, the domain the bot serves): scored "
        "only for this report; its figure is the headline. (CoCoA-MT itself keeps "
        "call_center out of its training data.) The markers were extended in an earlier "
        "session after looking at the misses on all of CoCoA-MT, call_center included, so "
        "even the call_center TEST figure is optimistic. From now on tuning uses the dev "
        "domains only; this report therefore lists missed markers and example errors for "
        "the DEV split only.",
        "",
    ]
    if result["mode"] == "quick":
        lines += [
            f"**Quick mode**: {QUICK_ROWS} seeded rows per domain and language (2 sentences "
            "each); figures are noisy. Run without `--quick` for the full report.",
            "",
        ]
    lines += ["Data set (name and source line of its SOURCE.md):", ""]
    lines += citation_lines(result["citations"])
    lines += [f"- SKIPPED: {message}" for message in result["skipped"]]
    lines.append("")
    if not splits["test"]["languages"]:
        lines += ["No language could be scored: the data set is missing.", ""]
        return lines

    for name, split in splits.items():
        lines += [f"## {SPLIT_TITLES[name]}", "", f"Target: >= {TARGET:.0%} per language.", ""]
        lines += [*language_table(split), ""]
        if name == "test":
            lines += ["![TEST split accuracy per language; per domain](register.png)", ""]
    lines += [
        "## Formal and informal sentences separately",
        "",
        "Undecided = no marker or equally many of each (ours: confidence 0.5; pronoun-only: "
        "a tie; the Japanese pronoun rule always decides): the system then answers the "
        "default (formal), which is right for a formal sentence by luck and wrong for an "
        "informal one. *Both of the pair* = the formal and the informal rendering of the same "
        "row both right (n = rows). *Identical pairs*: rows whose formal and informal "
        "renderings are the same text, so one of the two is wrong for every system.",
        "",
    ]
    for name, split in splits.items():
        lines += [f"### {name.upper()} split ({' + '.join(split['domains'])})", ""]
        lines += [*register_table(split), ""]
    lines += [
        "## Accuracy per domain (macro over languages)",
        "",
        "| domain | split | sentences | ours | pronoun-only | majority | ours - pronoun (pts) "
        "| ours - majority (pts) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for domain in DOMAINS:
        ours, pronouns, majority = (
            splits[SPLIT_OF[domain]]["domain_macro"][domain][s] for s in SYSTEMS
        )
        lines.append(
            f"| {domain} | {SPLIT_OF[domain].upper()} | {ours['n']} | {show(ours)} | "
            f"{show(pronouns)} | {show(majority)} | {points(_acc(ours), _acc(pronouns))} | "
            f"{points(_acc(ours), _acc(majority))} |"
        )
    lines += [
        "",
        "## Formality markers in the sentences ours gets wrong (DEV split only)",
        "",
        "CoCoA-MT's annotated columns mark the formality-bearing words ([F]...[/F]); the most "
        f"frequent of them in ours' wrong DEV sentences, top {TOP_MISSED} per language, show "
        "what the marker lists miss. Tuning may use these; the TEST split's misses are "
        "deliberately not listed.",
        "",
        "| language | missed annotated markers (count) |",
        "|---|---|",
    ]
    for lang, missed in result["dev_missed_markers"].items():
        shown = ", ".join(f"{_visible(span)} ({count})" for span, count in missed)
        lines.append(f"| {lang} | {shown or 'none'} |")
    lines += [
        "",
        "## Example errors of ours (DEV split only)",
        "",
        f"At most {MAX_ERRORS_PER_LANGUAGE} per language, spread over domains and registers, "
        "shortened to 70 characters.",
        "",
        "| language | domain | gold | ours said | undecided | sentence |",
        "|---|---|---|---|---|---|",
    ]
    for lang, errors in result["dev_example_errors"].items():
        for error in errors:
            lines.append(
                f"| {lang} | {error['domain']} | {error['gold']} | {error['predicted']} | "
                f"{'yes' if error['undecided'] else 'no'} | {error['text']} |"
            )
    lines += [
        "",
        f"Speed of ours: {result['messages_per_second']:,.0f} sentences/s (all languages and "
        "domains, one pass).",
        "",
    ]
    return lines


# ---------------------------------------------------------------------------- main


def main() -> None:
    """Runs the benchmark and writes bench/reports/register.{md,json,png}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ROWS} seeded rows per domain and language; seconds")
    parser.add_argument("--seed", type=int, default=0, help="seed of the quick subsample")
    args = parser.parse_args()
    started = time.monotonic()

    progress(f"Loading RegisterIdentifier from {CULTURE_DIR.relative_to(PROJECT_ROOT)}")
    ours = RegisterIdentifier.from_culture_dir(CULTURE_DIR)
    result: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "seed": args.seed,
        "target": TARGET,
        "split_domains": {name: list(domains) for name, domains in SPLITS.items()},
        "citations": [],
        "skipped": [],
        "dev_missed_markers": {},
        "dev_example_errors": {},
        "defaults": {lang: ours.defaults.get(lang, FORMAL) for lang in LANGUAGES},
    }
    per_split: dict[str, dict[str, Any]] = {name: {} for name in SPLITS}
    root = dataset_dir(DATASET)
    total_items, total_seconds = 0, 0.0
    if root is None:
        result["skipped"].append(f"{DATASET} not found: nothing scored.")
    else:
        result["citations"].append(dataset_citation(DATASET))
        for language in LANGUAGES:
            items = load_items(root, language, QUICK_ROWS if args.quick else None, args.seed)
            if items is None:
                result["skipped"].append(f"{language}: cocoa_mt_test_en-{language}.tsv missing")
                continue
            predictions, undecided, seconds = evaluate(items, ours)
            total_items += len(items)
            total_seconds += seconds
            for name, domains in SPLITS.items():
                part = subset(items, predictions, undecided, domains)
                per_split[name][language] = summarise(*part, domains)
                if name == "dev":
                    result["dev_missed_markers"][language] = missed_markers(*part[:2])
                    result["dev_example_errors"][language] = example_errors(
                        *part[:2], part[2]["ours"]
                    )
            progress(f"   {language}  " + "  ".join(
                f"{name} n={per_split[name][language]['n']:4d} ours "
                f"{per_split[name][language]['ours']['all']['accuracy']:6.1%}"
                for name in SPLITS
            ))
    result["splits"] = {
        name: split_figures(per_split[name], SPLITS[name]) for name in SPLITS
    }
    result["headlines"] = headlines(result)
    result["messages_per_second"] = total_items / total_seconds if total_seconds else 0.0
    result["seconds"] = time.monotonic() - started
    result["machine"] = machine(("PyYAML",))
    REPORTS.mkdir(parents=True, exist_ok=True)
    if per_split["test"]:
        plot(result["splits"], REPORTS / "register.png")
        for name, split in result["splits"].items():
            progress(f"{name} macro: " + "  ".join(
                f"{s} {show(c)}" for s, c in split["macro"].items()
            ))
    write_report("register", report_lines(result), result)


if __name__ == "__main__":
    main()
