"""Register benchmark: does the bot recognise the customer's own formal or informal register?

Scores our RegisterIdentifier on CoCoA-MT's test set, where every English segment has a
formal and an informal reference translation (de, es, fr, hi, it, ja, pt): both sentences
of each row are scored. Anchors in the same run: the majority baseline (always the
culture's default register) and a pronoun-only baseline written here (T/V pronouns only).
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
SYSTEMS: tuple[str, ...] = ("ours", "pronouns", "majority")
SYSTEM_LABELS = {
    "ours": "ours (RegisterIdentifier)",
    "pronouns": "pronoun-only baseline",
    "majority": "majority (culture default)",
}
TARGET = 0.95
QUICK_ROWS = 30
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
    """Formal and informal sentences of one CoCoA-MT test file (both per row).

    The TSV quotes fields the csv module's way (a field with a double quote is quoted and
    its quotes doubled), so it is read with csv's default quoting and a tab delimiter.
    """
    path = root / f"cocoa_mt_test_en-{language}.tsv"
    if not path.is_file():
        progress(f"SKIP: {path} missing; no {language} figures")
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if limit is not None and len(rows) > limit:
        rng = random.Random(f"{seed}-register-{language}")
        rows = [rows[i] for i in sorted(rng.sample(range(len(rows)), limit))]
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


def evaluate(
    items: list[Item], ours: RegisterIdentifier
) -> tuple[dict[str, list[str]], dict[str, list[bool]], float]:
    """Predictions of every system for `items`, undecided flags and ours' seconds.

    Returns:
        Predictions per system; per system that can abstain (ours, pronouns) whether it
        found no deciding marker and fell back to the default; ours' run time.
    """
    predictions: dict[str, list[str]] = {system: [] for system in SYSTEMS}
    undecided: dict[str, list[bool]] = {"ours": [], "pronouns": []}
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


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(
    items: list[Item], predictions: dict[str, list[str]], undecided: dict[str, list[bool]]
) -> dict[str, Any]:
    """Accuracy per system overall, per gold register and per domain; undecided shares."""
    def accuracy(system: str, keep: Callable[[Item], bool]) -> float | None:
        return _share(
            [p == item.gold for item, p in zip(items, predictions[system], strict=True)
             if keep(item)]
        )

    summary: dict[str, Any] = {"n": len(items), "rows": len({i.line for i in items})}
    for system in SYSTEMS:
        summary[system] = {
            "accuracy": accuracy(system, lambda _: True),
            "formal": accuracy(system, lambda i: i.gold == FORMAL),
            "informal": accuracy(system, lambda i: i.gold == INFORMAL),
            "domains": {
                domain: accuracy(system, lambda i, d=domain: i.domain == d) for domain in DOMAINS
            },
        }
    summary["domain_n"] = {d: sum(i.domain == d for i in items) for d in DOMAINS}
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
    by_line: dict[str, list[bool]] = defaultdict(list)
    for item, predicted in zip(items, predictions["ours"], strict=True):
        by_line[f"{item.domain}/{item.line}"].append(predicted == item.gold)
    summary["ours"]["pairs_both_right"] = _share([all(v) for v in by_line.values()])
    texts: dict[str, set[str]] = defaultdict(set)
    for item in items:
        texts[f"{item.domain}/{item.line}"].add(item.text)
    # Rows whose formal and informal renderings are the same text: one of them must be wrong.
    summary["identical_pairs"] = sum(len(v) == 1 for v in texts.values())
    missed: Counter[str] = Counter()
    for item, predicted in zip(items, predictions["ours"], strict=True):
        if predicted != item.gold:
            missed.update(span.strip() for span in _ANNOTATION.findall(item.annotated))
    summary["ours"]["missed_annotated_markers"] = missed.most_common(TOP_MISSED)
    return summary


def example_errors(
    items: list[Item], predictions: dict[str, list[str]], undecided: list[bool]
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


def macro(values: list[float | None]) -> float | None:
    """Unweighted mean over languages."""
    present = [v for v in values if v is not None]
    return statistics.mean(present) if present else None


# ---------------------------------------------------------------------------- report


def plot(results: dict[str, dict[str, Any]], path: Path) -> None:
    """Grouped bars per language (3 systems) with the target line; accuracy per domain."""
    plt = pyplot()
    fig, (ax, ax_domain) = plt.subplots(
        1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": (2.4, 1)}
    )
    colors = {"ours": "#1f77b4", "pronouns": "#ff7f0e", "majority": "#9a9a9a"}
    languages = [*results, "macro"]
    width = 0.27
    xs = range(len(languages))
    for k, system in enumerate(SYSTEMS):
        values = [
            100 * (results[lang][system]["accuracy"] or 0) for lang in results
        ] + [100 * (macro([results[lang][system]["accuracy"] for lang in results]) or 0)]
        ax.bar([x + (k - 1) * width for x in xs], values, width,
               label=SYSTEM_LABELS[system], color=colors[system])
    ax.axhline(100 * TARGET, color="red", linestyle="--", linewidth=1,
               label=f"target {TARGET:.0%} per language")
    ax.set_xticks(list(xs), languages)
    ax.set_ylim(0, 105)
    ax.set_ylabel("accuracy (%), formal + informal sentences")
    ax.set_title("CoCoA-MT test: register accuracy per language")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8, ncol=4,
              frameon=False)

    xs = range(len(DOMAINS))
    for k, system in enumerate(SYSTEMS):
        values = [
            100 * (macro([results[lang][system]["domains"][d] for lang in results]) or 0)
            for d in DOMAINS
        ]
        ax_domain.bar([x + (k - 1) * width for x in xs], values, width, color=colors[system])
    ax_domain.axhline(100 * TARGET, color="red", linestyle="--", linewidth=1)
    ax_domain.set_xticks(list(xs), [d.replace("_", "\n") for d in DOMAINS], fontsize=8)
    ax_domain.set_ylim(0, 105)
    ax_domain.set_title("per domain (macro over languages)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _defaults_text(defaults: dict[str, str]) -> str:
    by_register: dict[str, list[str]] = defaultdict(list)
    for language, register in defaults.items():
        by_register[register].append(language)
    return "; ".join(f"{r} for {', '.join(langs)}" for r, langs in by_register.items())


def report_lines(result: dict[str, Any]) -> list[str]:
    """The Markdown report."""
    results = result["languages"]
    lines = [
        "# Register benchmark: the customer's own formal or informal register",
        "",
        machine_line(result["machine"]),
        f"Command: `{result['machine']['command']}` ({result['mode']} mode, seed "
        f"{result['seed']}, {result['seconds']:.1f} s).",
        "",
        "Every CoCoA-MT test row has a formal and an informal reference translation of the "
        "same English segment; both sentences are scored, so half the sentences are formal "
        "and the majority baseline scores 50% by construction. **ours** is "
        "`RegisterIdentifier.from_culture_dir(data/culture).identify(text, lang)`; when no "
        "marker decides (confidence 0.5, *undecided*) it reports the culture's default "
        "register. Anchors in the same run: **majority** always answers the culture's "
        f"default register ({_defaults_text(result['defaults'])}); **pronoun-only** counts "
        "T and V "
        "pronouns only (de du/dich/dir/dein* vs capitalised Sie/Ihnen/Ihr*; fr "
        "tu/te/toi/ton/ta/tes vs vous/votre/vos; es tú/te/ti/tu/tus vs usted/ustedes; it "
        "tu/ti/te/tuo/tua vs capitalised Lei/La/Le/Suo/Sua; pt tu/te/ti/teu/tua vs "
        "você/o senhor/a senhora; hi तुम/तू/तुम्हारा/तेरा vs आप/आपका/आपको; ja formal when "
        "です/ます/ください/ございます/でしょう occurs, else plain), ties go to the default.",
        "",
    ]
    if result["mode"] == "quick":
        lines += [
            f"**Quick mode**: {QUICK_ROWS} seeded rows per language ({2 * QUICK_ROWS} "
            "sentences); figures are noisy. Run without `--quick` for the full report.",
            "",
        ]
    lines += ["Data set (name and source line of its SOURCE.md):", ""]
    lines += citation_lines(result["citations"])
    lines += [f"- SKIPPED: {message}" for message in result["skipped"]]
    lines.append("")
    if not results:
        lines += ["No language could be scored: the data set is missing.", ""]
        return lines

    macros = {s: macro([results[lang][s]["accuracy"] for lang in results]) for s in SYSTEMS}
    lines += [
        "## Accuracy per language",
        "",
        f"Target: >= {TARGET:.0%} per language.",
        "",
        "| language | sentences | ours | pronoun-only | majority | ours - pronoun (pts) "
        "| ours - majority (pts) | target met | ours undecided | pronoun-only undecided |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, row in results.items():
        ours = row["ours"]["accuracy"]
        lines.append(
            f"| {lang} | {row['n']} | {pct(ours)} | {pct(row['pronouns']['accuracy'])} | "
            f"{pct(row['majority']['accuracy'])} | {points(ours, row['pronouns']['accuracy'])} | "
            f"{points(ours, row['majority']['accuracy'])} | "
            f"{'yes' if ours is not None and ours >= TARGET else '**no**'} | "
            f"{pct(row['undecided']['ours']['all'])} | "
            f"{pct(row['undecided']['pronouns']['all'])} |"
        )
    undecided_macro = {
        s: macro([row["undecided"][s]["all"] for row in results.values()])
        for s in ("ours", "pronouns")
    }
    lines += [
        f"| **macro** | | **{pct(macros['ours'])}** | **{pct(macros['pronouns'])}** | "
        f"**{pct(macros['majority'])}** | **{points(macros['ours'], macros['pronouns'])}** | "
        f"**{points(macros['ours'], macros['majority'])}** | "
        f"{sum(r['ours']['accuracy'] >= TARGET for r in results.values())}/{len(results)} | "
        f"{pct(undecided_macro['ours'])} | {pct(undecided_macro['pronouns'])} |",
        "",
        "![accuracy per language](register.png)",
        "",
        "## Formal and informal sentences separately",
        "",
        "Undecided = no marker or equally many of each (ours: confidence 0.5; pronoun-only: "
        "a tie; the Japanese pronoun rule always decides): the system then answers the "
        "default (formal), which is right for a formal sentence by luck and wrong for an "
        "informal one. *Both of the pair* = the formal and the informal rendering of the same "
        "row both right.",
        "",
        "| language | ours on formal | pronoun on formal | difference (pts) "
        "| ours on informal | pronoun on informal | difference (pts) "
        "| undecided on formal: ours / pronoun | undecided on informal: ours / pronoun "
        "| ours both of the pair | identical pairs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, row in results.items():
        ours_u, pron_u = row["undecided"]["ours"], row["undecided"]["pronouns"]
        lines.append(
            f"| {lang} | {pct(row['ours']['formal'])} | {pct(row['pronouns']['formal'])} | "
            f"{points(row['ours']['formal'], row['pronouns']['formal'])} | "
            f"{pct(row['ours']['informal'])} | {pct(row['pronouns']['informal'])} | "
            f"{points(row['ours']['informal'], row['pronouns']['informal'])} | "
            f"{pct(ours_u['formal'])} / {pct(pron_u['formal'])} | "
            f"{pct(ours_u['informal'])} / {pct(pron_u['informal'])} | "
            f"{pct(row['ours']['pairs_both_right'])} | {row['identical_pairs']} |"
        )
    lines += [
        "",
        "*Identical pairs*: rows whose formal and informal renderings are the same text, so "
        "one of the two is necessarily wrong for every system.",
        "",
        "## Formality markers in the sentences ours gets wrong",
        "",
        "CoCoA-MT's annotated columns mark the formality-bearing words ([F]...[/F]); the most "
        f"frequent of them in ours' wrong sentences, top {TOP_MISSED} per language, show what "
        "the marker lists miss (verb forms, spellings).",
        "",
        "| language | missed annotated markers (count) |",
        "|---|---|",
    ]
    for lang, row in results.items():
        missed = ", ".join(
            f"{_visible(span)} ({count})"
            for span, count in row["ours"]["missed_annotated_markers"]
        )
        lines.append(f"| {lang} | {missed or 'none'} |")
    lines += [
        "",
        "## Accuracy per domain (macro over languages)",
        "",
        "call_center = transcribed simulated customer-support calls, telephony = general "
        "spoken conversation, topical_chat = text chat.",
        "",
        "| domain | ours | pronoun-only | majority | ours - pronoun (pts) | ours - majority (pts) "
        "| ours per language |",
        "|---|---|---|---|---|---|---|",
    ]
    for domain in DOMAINS:
        values = {
            s: macro([results[lang][s]["domains"][domain] for lang in results]) for s in SYSTEMS
        }
        per_lang = ", ".join(
            f"{lang} {pct(results[lang]['ours']['domains'][domain], 0)}" for lang in results
        )
        lines.append(
            f"| {domain} | {pct(values['ours'])} | {pct(values['pronouns'])} | "
            f"{pct(values['majority'])} | {points(values['ours'], values['pronouns'])} | "
            f"{points(values['ours'], values['majority'])} | {per_lang} |"
        )
    lines += [
        "",
        "## Example errors of ours",
        "",
        f"At most {MAX_ERRORS_PER_LANGUAGE} per language, spread over domains and registers, "
        "shortened to 70 characters.",
        "",
        "| language | domain | gold | ours said | undecided | sentence |",
        "|---|---|---|---|---|---|",
    ]
    for lang in results:
        for error in result["example_errors"].get(lang, []):
            lines.append(
                f"| {lang} | {error['domain']} | {error['gold']} | {error['predicted']} | "
                f"{'yes' if error['undecided'] else 'no'} | {error['text']} |"
            )
    lines += [
        "",
        f"Speed of ours: {result['messages_per_second']:,.0f} sentences/s (all languages, "
        "one pass).",
        "",
    ]
    return lines


# ---------------------------------------------------------------------------- main


def main() -> None:
    """Runs the benchmark and writes bench/reports/register.{md,json,png}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ROWS} seeded rows per language; runs in seconds")
    parser.add_argument("--seed", type=int, default=0, help="seed of the quick subsample")
    args = parser.parse_args()
    started = time.monotonic()

    progress(f"Loading RegisterIdentifier from {CULTURE_DIR.relative_to(PROJECT_ROOT)}")
    ours = RegisterIdentifier.from_culture_dir(CULTURE_DIR)
    result: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "seed": args.seed,
        "target": TARGET,
        "citations": [],
        "skipped": [],
        "languages": {},
        "example_errors": {},
        "defaults": {lang: ours.defaults.get(lang, FORMAL) for lang in LANGUAGES},
    }
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
            summary = summarise(items, predictions, undecided)
            result["languages"][language] = summary
            result["example_errors"][language] = example_errors(
                items, predictions, undecided["ours"]
            )
            progress(
                f"   {language}  n={summary['n']:4d}  "
                + "  ".join(f"{s} {summary[s]['accuracy']:6.1%}" for s in SYSTEMS)
                + f"  ours undecided {summary['undecided']['ours']['all']:5.1%}"
            )
    result["messages_per_second"] = total_items / total_seconds if total_seconds else 0.0
    result["seconds"] = time.monotonic() - started
    result["machine"] = machine(("PyYAML",))
    REPORTS.mkdir(parents=True, exist_ok=True)
    if result["languages"]:
        plot(result["languages"], REPORTS / "register.png")
        macros = {
            s: macro([r[s]["accuracy"] for r in result["languages"].values()]) for s in SYSTEMS
        }
        result["macro"] = macros
        progress("macro: " + "  ".join(f"{s} {pct(v)}" for s, v in macros.items()))
    write_report("register", report_lines(result), result)


if __name__ == "__main__":
    main()
