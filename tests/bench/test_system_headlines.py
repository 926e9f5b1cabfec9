"""The system benchmark's summary rows: ratios against the stock anchor and the targets."""

from __future__ import annotations

from bench.system_bench import headlines


def _level(p95: float, rate: float, errors: int = 0) -> dict:
    return {"p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.5, "messages": 50,
            "messages_per_second": rate, "errors": errors, "error_examples": [],
            "empty_replies": 0}


def _result(ours_p95: float, errors: int = 0, training: float | None = 200.0) -> dict:
    return {
        "load": {
            "ours": {"1": _level(100, 5), "10": _level(ours_p95, 20, errors)},
            "stock": {"1": _level(90, 6), "10": _level(400, 25)},
        },
        "cold_start_seconds": {"ours": 40.0, "stock": 20.0},
        "peak_memory_mb": {"ours": 2100.0, "stock": 1000.0},
        "ours_training": {"train_seconds": training, "cpu_seconds": 150.0, "reused": False},
        "stock_training": {"train_seconds": 400.0, "size_mb": 600.0},
        "served_model": {"size_mb": 45.0},
    }


def test_rows_compare_with_stock_and_judge_targets() -> None:
    rows = {row["figure"].split(",")[0]: row for row in headlines(_result(ours_p95=480))}
    p95 = rows["p95 latency per message"]
    assert p95["comparison"] == "1.20x" and p95["met"] is True
    assert rows["throughput"]["comparison"] == "0.80x" and rows["throughput"]["met"] is None
    assert rows["cold start"]["met"] is True and rows["cold start"]["comparison"] == "2.00x"
    assert rows["peak memory"]["met"] is False
    assert rows["full training time"]["value"] == "200 s wall (150 s CPU)"
    assert rows["model size (served model)"]["comparison"] == "0.07x"
    errors = next(row for row in rows.values() if row["figure"].startswith("errors"))
    assert errors["value"] == "0" and errors["met"] is True


def test_slow_p95_errors_and_missing_training_are_not_hidden() -> None:
    rows = headlines(_result(ours_p95=560, errors=2, training=None))
    by_figure = {row["figure"].split(" (")[0].split(",")[0]: row for row in rows}
    assert by_figure["p95 latency per message"]["met"] is False
    errors = next(row for row in rows if row["figure"].startswith("errors"))
    assert errors["met"] is False and errors["comparison"] == "+2"
    assert not any(row["figure"].startswith("full training") for row in rows)
