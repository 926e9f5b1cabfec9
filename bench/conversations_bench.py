"""Thousands of seeded random conversations against the real assistant, every turn checked.

Starts the whole stack (Rasa, actions, helpdesk; the trained model) on free ports, or
attaches to a running one (--attach), runs the conversation simulator (tests/simulation/)
across the 11 language tags and reports the violations per kind and language, with
examples of each and a plot: bench/reports/conversations.{md,json,png}.

    python -m bench.conversations_bench [--conversations 3300] [--seed 7] [--attach]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from bench.common import machine, machine_line, md_cell, progress, pyplot, write_report
from bench.stack import attached_stack, started_stack
from bot.config import load_settings
from bot.culture.catalog import ResponseCatalog
from bot.culture.resources import culture_profiles
from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.register_identifier import RegisterIdentifier
from tests.simulation.invariants import INVARIANT_KINDS, OUTCOME_KINDS, Violation
from tests.simulation.replies import ReplyIndex
from tests.simulation.simulator import Conversation, Simulator, circuit_breaker_trips

EXAMPLES_PER_KIND = 3
WORK = Path(__file__).parent / "work"


def main() -> None:
    """Runs the simulation and writes the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=3300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="330 conversations")
    parser.add_argument("--attach", action="store_true",
                        help="use the stack of `make run` (ports and tokens from var/)")
    args = parser.parse_args()
    count = 330 if args.quick else args.conversations
    settings = load_settings()
    catalog = ResponseCatalog.load(settings.domain_path, settings.responses_dir)
    index = ReplyIndex.from_catalog(catalog)
    stack = attached_stack() if args.attach else started_stack("conversations")
    try:
        log = stack.log_dir / "rasa.log"
        offset = log.stat().st_size if log.exists() else 0
        simulator = Simulator(stack.rasa_url, stack.rasa_token, stack.helpdesk_url,
                              stack.helpdesk_token, index, culture_profiles(),
                              RegisterIdentifier.from_culture_dir(settings.culture_dir))
        progress(f"Simulating {count} conversations (seed {args.seed}) against {stack.rasa_url}")
        conversations = asyncio.run(simulator.run(count, args.seed, args.concurrency))
        trips = circuit_breaker_trips(log, offset)
    finally:
        if not args.attach:
            stack.stop()
    report(conversations, trips, args.seed)


def report(conversations: list[Conversation], trips: int, seed: int) -> None:
    """Writes bench/reports/conversations.{md,json,png}."""
    violations = [v for c in conversations for v in c.violations]
    broken = [c for c in conversations if c.broken]
    _dump(conversations)
    turns = [t for c in conversations for t in c.turns]
    by_kind = Counter(v.kind for v in violations)
    by_language: dict[str, Counter[str]] = defaultdict(Counter)
    for violation in violations:
        by_language[violation.language][violation.kind] += 1
    conversations_by_language = Counter(c.language for c in conversations)
    broken_by_language = Counter(c.language for c in broken)
    seconds = sorted(t.seconds for t in turns)
    kinds = [*INVARIANT_KINDS, *OUTCOME_KINDS]
    info = machine()
    lines = [
        "# Simulated conversations",
        "",
        machine_line(info),
        "",
        f"{len(conversations)} seeded random conversations (seed {seed}), {len(turns)} turns, "
        f"across the 11 language tags; messages from tests/simulation/pool/ (written for "
        f"the simulator, not training data). Every turn is checked "
        f"(tests/simulation/invariants.py).",
        "",
        f"- **Broken conversations (a turn broke an invariant): {len(broken)} of "
        f"{len(conversations)}**; Rasa circuit breaker trips: {trips}",
        f"- Invariant violations: {sum(by_kind[k] for k in INVARIANT_KINDS)}; outcome misses "
        f"(the assistant misunderstood, e.g. a request for a person opened no ticket): "
        f"{sum(by_kind[k] for k in OUTCOME_KINDS)}",
        f"- Reply time per turn: median {1000 * statistics.median(seconds):.0f} ms, "
        f"p95 {1000 * seconds[int(0.95 * (len(seconds) - 1))]:.0f} ms" if seconds else "",
        "",
        "## Violations per kind and language",
        "",
        "| language | conversations | broken | " + " | ".join(kinds) + " |",
        "|---|---|---|" + "---|" * len(kinds),
    ]
    for language in SUPPORTED_LANGUAGES:
        counts = by_language.get(language, Counter())
        lines.append(
            f"| {language} | {conversations_by_language[language]} | "
            f"{broken_by_language[language]} | "
            + " | ".join(str(counts[kind]) for kind in kinds) + " |"
        )
    lines.append("| all | " f"{len(conversations)} | {len(broken)} | "
                 + " | ".join(str(by_kind[kind]) for kind in kinds) + " |")
    lines += ["", "The first columns are the turn invariants; the last ones "
              f"({', '.join(OUTCOME_KINDS)}) are outcome misses, counted apart. Kinds: see "
              "the docstring of tests/simulation/invariants.py.", "", "## Examples", ""]
    for kind in kinds:
        examples = [v for v in violations if v.kind == kind][:EXAMPLES_PER_KIND]
        if not examples:
            continue
        lines.append(f"### {kind}")
        lines.append("")
        for violation in examples:
            lines.append(_example(violation, conversations))
        lines.append("")
    if trips:
        lines += ["### circuit_breaker", "", f"{trips} trips in Rasa's log during the run.", ""]
    lines += ["![violations per kind and language](conversations.png)", ""]
    _plot(by_language, kinds)
    write_report("conversations", lines, {
        "machine": info, "seed": seed, "conversations": len(conversations),
        "turns": len(turns), "broken": len(broken), "violations": dict(by_kind),
        "circuit_breaker_trips": trips,
        "by_language": {lang: dict(by_language.get(lang, {})) for lang in SUPPORTED_LANGUAGES},
        "median_turn_ms": 1000 * statistics.median(seconds) if seconds else None,
        "headlines": [{
            "figure": "simulated conversations with any broken turn (all 11 languages)",
            "value": f"{len(broken)} of {len(conversations)}",
            "anchor": "none: a correctness check",
            "comparison": f"{sum(by_kind[k] for k in INVARIANT_KINDS)} invariant violations, "
                          f"{trips} circuit-breaker trips; "
                          f"{sum(by_kind[k] for k in OUTCOME_KINDS)} outcome misses",
            "target": "0 of at least 3,000",
            "met": not broken and not trips and len(conversations) >= 3000,
        }],
    })


def _dump(conversations: list[Conversation]) -> None:
    """Every violation with its turn, for whoever fixes them (bench/work/, not committed)."""
    WORK.mkdir(parents=True, exist_ok=True)
    with (WORK / "conversations-violations.jsonl").open("w", encoding="utf-8") as handle:
        for conversation in conversations:
            for violation in conversation.violations:
                turn = conversation.turns[violation.turn]
                handle.write(json.dumps({
                    **violation.__dict__, "category": turn.category, "text": turn.text,
                    "locale": conversation.locale,
                    "replies": [str(r.get("text") or "") for r in turn.replies],
                }, ensure_ascii=False) + "\n")


def _example(violation: Violation, conversations: list[Conversation]) -> str:
    conversation = next(c for c in conversations if c.sender == violation.conversation)
    turn = conversation.turns[violation.turn]
    replies = " / ".join(md_cell(str(r.get("text") or ""), 90) for r in turn.replies) or "(none)"
    return (f"- `{violation.conversation}` turn {violation.turn} ({conversation.language}, "
            f"{turn.category}): customer \"{md_cell(turn.text, 90)}\" → {replies}. "
            f"*{md_cell(violation.detail, 120)}*")


def _plot(by_language: dict[str, Counter[str]], kinds: list[str]) -> None:
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(10, 4.5))
    bottom = [0] * len(SUPPORTED_LANGUAGES)
    for kind in kinds:
        values = [by_language.get(lang, Counter())[kind] for lang in SUPPORTED_LANGUAGES]
        if any(values):
            axis.bar(SUPPORTED_LANGUAGES, values, bottom=bottom, label=kind)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axis.set_ylabel("violations")
    axis.set_title("Violations per language and kind (stacked)")
    if any(bottom):
        axis.legend(fontsize=7, ncol=2)
    else:
        axis.text(0.5, 0.5, "no violations", ha="center", transform=axis.transAxes)
    figure.tight_layout()
    figure.savefig(Path(__file__).parent / "reports" / "conversations.png", dpi=110)


if __name__ == "__main__":
    main()
