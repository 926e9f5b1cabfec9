"""Assembles bench/reports/REPORT.md from the JSON every benchmark part writes.

Every part lists its summary rows under `headlines` in its JSON, except language ID, whose
rows are derived here from its figures. Nothing is measured
here: this module only reads JSON and writes Markdown, so it is tested on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import citation_lines, machine_line, pct, points
from bench.stats import ci


@dataclass(frozen=True)
class Part:
    """One benchmark step of `make bench`."""

    name: str
    module: str
    title: str
    make_target: str
    plots: tuple[str, ...] = ()
    trains_models: bool = False


PARTS: tuple[Part, ...] = (
    Part("nlu", "bench.nlu_bench", "NLU accuracy per language (our held-out data)",
         "bench-nlu", ("nlu.png",), trains_models=True),
    Part("langid", "bench.langid_bench", "Language identification", "bench-langid",
         ("langid.png",)),
    Part("register", "bench.register_bench", "Register detection (CoCoA-MT)", "bench-register",
         ("register.png",)),
    Part("frustration", "bench.frustration_bench", "Frustration F1 (GoEmotions, UMSAB)",
         "bench-frustration", ("frustration.png",)),
    Part("massive", "bench.massive_bench", "Multilingual NLU on MASSIVE 1.1 (8 locales)",
         "bench-massive", ("massive.png",), trains_models=True),
    Part("banking77", "bench.banking77_bench", "English support intents (Banking77)",
         "bench-banking77", ("banking77.png",), trains_models=True),
    Part("system", "bench.system_bench", "System: latency, cold start, memory, training",
         "bench-system", ("system.png",), trains_models=True),
    Part("conversations", "bench.conversations_bench",
         "Simulated conversations: every turn checked", "bench-conversations",
         ("conversations.png",)),
    Part("faults", "bench.faults_bench", "Crashes during conversations", "bench-faults",
         ("faults.png",)),
)


@dataclass
class StepOutcome:
    """What happened to one part in this run."""

    part: Part
    status: str  # "ok", "failed", "not run"
    seconds: float = 0.0
    detail: str = ""


def _row(
    figure: str, value: str, anchor: str, comparison: str, target: str, met: bool | None
) -> dict[str, Any]:
    return {"figure": figure, "value": value, "anchor": anchor, "comparison": comparison,
            "target": target, "met": met}


def langid_headlines(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows for language ID: MASSIVE single-utterance macro and the second-message macro."""
    rows = []
    massive = (data.get("data_sets") or {}).get("massive")
    targets = data.get("targets") or {}
    split = data.get("split", "test")
    if massive:
        m = {name: cell["accuracy"] for name, cell in massive["macro"].items()}
        interval = massive["macro"]["ours"].get("ci95")
        rows.append(_row(
            f"language ID, MASSIVE {split} (10 languages), single utterance, macro "
            f"(n={massive['macro']['ours'].get('n')})",
            f"{pct(m['ours'], 2)} {ci(interval) if interval else ''}".strip(),
            f"lingua {pct(m['lingua'])}, langdetect {pct(m['langdetect'])}",
            f"{points(m['ours'], m['lingua'])} pts vs lingua, "
            f"{points(m['ours'], m['langdetect'])} pts vs langdetect",
            f">= {pct(targets.get('single_macro'))}",
            m["ours"] >= targets["single_macro"] if "single_macro" in targets else None,
        ))
    second = (data.get("second_message") or {}).get("macro")
    if second and massive:
        single = massive["macro"]["ours"]["accuracy"]
        rows.append(_row(
            f"language ID after a second message, MASSIVE {split}, macro",
            f"{pct(second['accuracy'], 2)} {ci(second['ci95'])}",
            f"ours on one message {pct(single, 2)}",
            f"{points(second['accuracy'], single)} pts",
            f">= {pct(targets.get('second_message_macro'))}",
            second["accuracy"] >= targets["second_message_macro"]
            if "second_message_macro" in targets else None,
        ))
    return rows


DERIVED: dict[str, Callable[[Mapping[str, Any]], list[dict[str, Any]]]] = {
    "langid": langid_headlines,
}


def headlines_of(part: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The summary rows of one part: its own `headlines`, else derived from its figures."""
    if "headlines" in data:
        return list(data["headlines"])
    derive = DERIVED.get(part)
    return derive(data) if derive else []


def load_part(reports: Path, part: Part) -> dict[str, Any] | None:
    """The part's JSON, or None when it has none (or it cannot be read)."""
    path = reports / f"{part.name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def report_date(reports: Path, part: Part, data: Mapping[str, Any]) -> str:
    """The part's run date: from its JSON, else the "Run <date> UTC" line of its Markdown."""
    date = (data.get("machine") or {}).get("date_utc")
    if date:
        return date
    try:
        found = re.search(r"Run (\d{4}-\d\d-\d\d \d\d:\d\d) UTC",
                          (reports / f"{part.name}.md").read_text(encoding="utf-8"))
    except OSError:
        found = None
    return found.group(1) if found else "date not recorded"


def _met(value: bool | None) -> str:
    return "n/a" if value is None else ("met" if value else "**not met**")


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def assemble(
    reports: Path,
    outcomes: Sequence[StepOutcome],
    run_machine: Mapping[str, Any],
    mode: str,
    started_utc: str,
    notes: Sequence[str] = (),
) -> list[str]:
    """The lines of REPORT.md.

    Args:
        reports: the reports folder holding every part's JSON, Markdown and plots.
        outcomes: what happened to each part in this run (all PARTS, in order).
        run_machine: bench.common.machine() at the end of the run.
        mode: "full" or "quick".
        started_utc: when the run started ("YYYY-MM-DD HH:MM").
        notes: paragraphs about this run (e.g. why a configuration was bounded).
    """
    lines = [
        "# Benchmark report",
        "",
        machine_line(run_machine),
        f"Produced by `{run_machine['command']}` ({mode} mode), started {started_utc} UTC. "
        "Every figure is shown beside its anchor measured in the same run of its part, on "
        "the same data and machine. Each part's date and mode are in the last columns: a part "
        "not re-run this time shows its previous report.",
        "",
        *[line for note in notes for line in (note, "")],
        "## Summary",
        "",
        "| part | figure | ours | anchor (same run) | ratio / difference | target | met | "
        "run | report |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    citations: dict[str, dict[str, str]] = {}
    for outcome in outcomes:
        part = outcome.part
        data = load_part(reports, part)
        report = f"[{part.name}.md]({part.name}.md)"
        if data is None:
            lines.append(f"| {part.name} | {part.title} | no report; this run: "
                         f"{outcome.status.upper()}"
                         f"{': ' + _cell(outcome.detail) if outcome.detail else ''} | | | | | "
                         f"| |")
            continue
        for citation in data.get("citations") or []:
            citations[citation["path"]] = citation
        run = f"{report_date(reports, part, data)}, {data.get('mode', 'mode not recorded')}"
        if outcome.status == "failed":
            run += f"; **FAILED this run** ({_cell(outcome.detail)}), previous report shown"
        elif outcome.status == "not run":
            run += "; not re-run"
        rows = headlines_of(part.name, data)
        if data.get("skipped") and not rows:
            lines.append(f"| {part.name} | {part.title} | SKIPPED: {_cell(data['skipped'])} "
                         f"| | | | | {run} | {report} |")
            continue
        for row in rows or [_row(part.title, "(no headline figure)", "", "", "", None)]:
            lines.append(
                f"| {part.name} | {_cell(row['figure'])} | {_cell(row['value'])} | "
                f"{_cell(row['anchor'])} | {_cell(row['comparison'])} | {_cell(row['target'])} "
                f"| {_met(row['met'])} | {run} | {report} |"
            )
    lines += ["", "## Parts", "",
              "| # | part | this run | seconds | report | plots | command |",
              "|---|---|---|---|---|---|---|"]
    for index, outcome in enumerate(outcomes, 1):
        part = outcome.part
        plots = ", ".join(f"[{p}]({p})" for p in part.plots if (reports / p).exists())
        status = outcome.status + (f": {_cell(outcome.detail)}" if outcome.detail else "")
        lines.append(
            f"| {index} | {part.title} | {status} | {outcome.seconds:.0f} | "
            f"[{part.name}.md]({part.name}.md) | {plots} | `make {part.make_target}` |"
        )
    lines += ["", "## Data sets", "",
              "Read from ../shared/datasets (or $BENCH_DATASETS); each cited from its SOURCE.md:",
              ""]
    lines += citation_lines(sorted(citations.values(), key=lambda c: c["path"]))
    lines += ["", "## Plots", ""]
    for outcome in outcomes:
        for plot in outcome.part.plots:
            if (reports / plot).exists():
                lines += [f"### {outcome.part.title}", "", f"![{outcome.part.name}]({plot})", ""]
    return lines
