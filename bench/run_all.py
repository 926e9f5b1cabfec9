"""`make bench`: runs every benchmark part, one process each, then writes REPORT.md.

    PYTHONPATH=. .venv/bin/python -m bench.run_all [--quick] [--only nlu,system]
        [--reuse-models] [--report-only]

Each part runs as `python -m bench.<part> [--quick]` in its own process, with its full output
in bench/work/logs/<part>.log and its progress lines shown here. A part that fails or runs
past its time limit is reported as failed in REPORT.md; the others go on. REPORT.md is
assembled (bench/summary.py) from the JSON every part writes into bench/reports/.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

from bench.common import REPORTS, RUN_STARTED_ENV, machine, progress
from bench.summary import PARTS, Part, StepOutcome, assemble
from bot.config import PROJECT_ROOT

LOGS = PROJECT_ROOT / "bench" / "work" / "logs"
# Upper bounds per part (seconds), so that one stuck part cannot hold the run forever.
LIMITS = {"full": 3600, "quick": 600}
SHOWN_PREFIXES = ("[", "==>", "    ")


def run_part(part: Part, quick: bool, reuse: bool, env: dict[str, str]) -> StepOutcome:
    """Runs one part in its own process; returns how it went (never raises on its failure)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{part.name}.log"
    command = [
        sys.executable, "-m", part.module, *(["--quick"] if quick else []),
        *(["--reuse"] if reuse and part.trains_models else []),
    ]
    limit = LIMITS["quick" if quick else "full"]
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True,
        )
        assert process.stdout is not None
        timed_out = threading.Event()

        def stop_part() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGTERM)

        watchdog = threading.Timer(limit, stop_part)
        watchdog.start()
        try:
            for line in process.stdout:
                log.write(line)
                if line.startswith(SHOWN_PREFIXES) and "Warning" not in line:
                    print(f"      {part.name}: {line.rstrip()}", flush=True)
            code = process.wait()
        finally:
            watchdog.cancel()
    seconds = time.monotonic() - started
    shown_log = log_path.relative_to(PROJECT_ROOT)
    if timed_out.is_set():
        return StepOutcome(part, "failed", seconds, f"stopped after {limit} s; log {shown_log}")
    if code != 0:
        return StepOutcome(part, "failed", seconds, f"exit code {code}; log {shown_log}")
    return StepOutcome(part, "ok", seconds)


def main() -> None:
    """Runs the selected parts and writes bench/reports/REPORT.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="every part in its reduced mode (reuses cached models in bench/work)")
    parser.add_argument("--reuse-models", action="store_true",
                        help="full mode, but the parts that train reuse the models cached in "
                        "bench/work by an earlier run (their reports say so)")
    parser.add_argument("--only", default="",
                        help="comma-separated parts to run: " + ",".join(p.name for p in PARTS))
    parser.add_argument("--note", action="append", default=[],
                        help="a paragraph about this run for REPORT.md (repeatable)")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: rebuild REPORT.md from the parts' JSON files")
    args = parser.parse_args()
    known = {part.name for part in PARTS}
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if only - known:
        parser.error(f"unknown part(s): {', '.join(sorted(only - known))}; "
                     f"choose from {', '.join(p.name for p in PARTS)}")
    selected = [part for part in PARTS if not only or part.name in only]
    if args.report_only:
        selected = []
    started_utc = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), RUN_STARTED_ENV: str(time.time()),
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    mode = ("quick" if args.quick else "full") + (", models reused" if args.reuse_models else "")
    if args.report_only:
        mode = "report only, nothing re-run"
    outcomes: dict[str, StepOutcome] = {}
    for index, part in enumerate(selected, 1):
        progress(f"[{index}/{len(selected)}] {part.name}: {part.title} ({mode})")
        outcome = run_part(part, args.quick, args.reuse_models, env)
        outcomes[part.name] = outcome
        progress(f"[{index}/{len(selected)}] {part.name}: {outcome.status.upper()} in "
                 f"{outcome.seconds:.0f} s{' - ' + outcome.detail if outcome.detail else ''}")
    all_outcomes = [outcomes.get(p.name, StepOutcome(p, "not run")) for p in PARTS]
    run_machine = machine(("rasa", "rasa-sdk"))
    if args.note:  # the notes are quoted in full below the machine line
        run_machine["command"] = " ".join(
            arg for arg in run_machine["command"].split(" --note ")[0].split()
        ) + " --note ..."
    lines = assemble(REPORTS, all_outcomes, run_machine, mode, started_utc, args.note)
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / "REPORT.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failed = [o.part.name for o in outcomes.values() if o.status == "failed"]
    progress(f"Report: {report.relative_to(PROJECT_ROOT)}"
             + (f"; FAILED parts: {', '.join(failed)}" if failed else
                f"; {len(selected)} part(s) ran"))
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
