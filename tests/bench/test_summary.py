"""REPORT.md assembly from the parts' JSON files."""

from __future__ import annotations

import json
from pathlib import Path

from bench.summary import PARTS, StepOutcome, assemble, headlines_of

MACHINE = {
    "date_utc": "2026-11-26 10:00", "cpu": "Test CPU", "cpu_count": 2,
    "platform": "Linux x86_64", "python": "3.10.13", "load_average_1min": 1.5,
    "command": "run_all.py", "packages": {"rasa": "3.6.21"},
}
CITATION = {"dataset": "massive_1.1", "title": "MASSIVE", "source": "Source: somewhere",
            "path": "massive_1.1/SOURCE.md"}


def _write(reports: Path, name: str, data: dict) -> None:
    (reports / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def _outcomes(**status: str) -> list[StepOutcome]:
    return [StepOutcome(p, status.get(p.name, "ok"), 1.0) for p in PARTS]


def test_report_lists_every_headline_with_anchor_target_and_run(tmp_path: Path) -> None:
    _write(tmp_path, "system", {
        "mode": "full", "machine": MACHINE,
        "headlines": [{"figure": "p95 at 10", "value": "120 ms", "anchor": "stock 100 ms",
                       "comparison": "1.20x", "target": "<= 1.3x stock", "met": True}],
    })
    _write(tmp_path, "massive", {
        "mode": "quick", "machine": MACHINE, "citations": [CITATION],
        "headlines": [{"figure": "worst locale", "value": "+2.0 pts", "anchor": "stock",
                       "comparison": "+4.0 pts macro", "target": ">= +5", "met": False}],
    })
    (tmp_path / "system.png").write_bytes(b"png")
    lines = assemble(tmp_path, _outcomes(), MACHINE, "full", "2026-11-26 09:00")
    text = "\n".join(lines)
    assert "| system | p95 at 10 | 120 ms | stock 100 ms | 1.20x | <= 1.3x stock | met |" in text
    assert "| worst locale | +2.0 pts | stock | +4.0 pts macro | >= +5 | **not met** |" in text
    assert "2026-11-26 10:00, quick" in text
    assert "- **MASSIVE** (`massive_1.1/SOURCE.md`). Source: somewhere" in text
    assert "![system](system.png)" in text
    assert "![massive](massive.png)" not in text  # no plot file, no broken image
    assert "Test CPU" in text and "load average 1.50" in text


def test_failed_and_missing_parts_are_reported_not_hidden(tmp_path: Path) -> None:
    _write(tmp_path, "banking77", {
        "mode": "full", "machine": MACHINE,
        "headlines": [{"figure": "accuracy", "value": "90%", "anchor": "stock 80%",
                       "comparison": "+10", "target": ">= 93%", "met": False}],
    })
    outcomes = _outcomes(banking77="failed", nlu="failed")
    outcomes = [
        StepOutcome(o.part, o.status, o.seconds, "exit code 1" if o.status == "failed" else "")
        for o in outcomes
    ]
    text = "\n".join(assemble(tmp_path, outcomes, MACHINE, "full", "2026-11-26 09:00"))
    assert "FAILED this run** (exit code 1), previous report shown" in text
    nlu_row = next(line for line in text.splitlines() if line.startswith("| nlu |"))
    assert "FAILED: exit code 1" in nlu_row
    assert "| langid | Language identification | no report; this run: OK |" in text


def test_skipped_dataset_is_shown(tmp_path: Path) -> None:
    _write(tmp_path, "massive", {"skipped": "dataset massive_1.1 not found", "headlines": []})
    text = "\n".join(assemble(tmp_path, _outcomes(), MACHINE, "quick", "2026-11-26 09:00"))
    assert "SKIPPED: dataset massive_1.1 not found" in text


def test_language_id_rows_are_derived_and_other_parts_list_their_own() -> None:
    langid = {
        "split": "test",
        "targets": {"single_macro": 0.99, "second_message_macro": 0.997},
        "data_sets": {"massive": {"macro": {
            "ours": {"accuracy": 0.978, "ci95": [0.976, 0.980], "n": 29624},
            "lingua": {"accuracy": 0.972}, "langdetect": {"accuracy": 0.909}}}},
        "second_message": {"macro": {"accuracy": 0.998, "ci95": [0.997, 0.999]}},
    }
    rows = headlines_of("langid", langid)
    assert [r["met"] for r in rows] == [False, True]
    assert rows[0]["comparison"].startswith("+0.6 pts vs lingua")
    assert rows[0]["value"] == "97.80% [97.6, 98.0]"
    assert headlines_of("nlu", {"headlines": [{"figure": "x"}]}) == [{"figure": "x"}]


def test_date_falls_back_to_the_markdown_and_notes_are_quoted(tmp_path: Path) -> None:
    _write(tmp_path, "nlu", {"headlines": [{"figure": "macro", "value": "93%", "anchor": "a",
                                            "comparison": "c", "target": "t", "met": True}]})
    (tmp_path / "nlu.md").write_text("# NLU\n\nRun 2026-11-26 05:45 UTC on x86_64.\n")
    text = "\n".join(assemble(tmp_path, _outcomes(), MACHINE, "full", "2026-11-26 09:00",
                              notes=["Bounded: massive on a quarter of dev."]))
    assert "| 2026-11-26 05:45, mode not recorded |" in text
    assert "Bounded: massive on a quarter of dev." in text
