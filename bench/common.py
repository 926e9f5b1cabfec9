"""Helpers shared by the benchmark scripts: dataset paths, machine, progress, reports.

Datasets live outside the repository (../shared/datasets, or the folder named by the
environment variable BENCH_DATASETS); every one of them has a SOURCE.md that reports cite.
Nothing here copies dataset content into the repository.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT

REPORTS = PROJECT_ROOT / "bench" / "reports"
DATASETS_ENV = "BENCH_DATASETS"
DEFAULT_DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"

_STARTED = time.monotonic()


def datasets_root() -> Path:
    """The folder holding the shared datasets (BENCH_DATASETS overrides the default)."""
    override = os.environ.get(DATASETS_ENV)
    return Path(override).expanduser().resolve() if override else DEFAULT_DATASETS.resolve()


def dataset_dir(name: str) -> Path | None:
    """The folder of one dataset, or None (with a printed message) when it is missing.

    Args:
        name: the dataset's folder name under the datasets root, e.g. "massive_1.1".

    Returns:
        The folder, or None when it does not exist.
    """
    path = datasets_root() / name
    if not path.is_dir():
        progress(f"SKIP: dataset {name!r} not found at {path} (set {DATASETS_ENV} to override)")
        return None
    return path


def dataset_citation(name: str) -> dict[str, str]:
    """Name and source line of a dataset, read from its SOURCE.md.

    Args:
        name: the dataset's folder name under the datasets root.

    Returns:
        {"dataset", "title", "source", "path"}: the SOURCE.md's first heading and its first
        line that names the source ("Source:" or "Original dataset:"), with the file path
        relative to the datasets root.
    """
    path = datasets_root() / name / "SOURCE.md"
    title, source = name, "(no SOURCE.md found)"
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        title = next((line.lstrip("# ").strip() for line in lines if line.startswith("#")), name)
        source = next(
            (
                line.lstrip("- ").strip()
                for line in lines
                if line.lstrip("- ").startswith(("Source:", "Original dataset:"))
            ),
            "(SOURCE.md names no source line)",
        )
    return {"dataset": name, "title": title, "source": source, "path": f"{name}/SOURCE.md"}


def citation_lines(citations: Iterable[dict[str, str]]) -> list[str]:
    """Markdown bullet lines citing datasets (title and source line of their SOURCE.md)."""
    return [
        f"- **{c['title']}** (`{c['path']}`). {c['source']}" for c in citations
    ]


def progress(message: str) -> None:
    """Prints one progress line with the seconds elapsed since the script started."""
    print(f"[{time.monotonic() - _STARTED:7.1f}s] {message}", flush=True)


def elapsed() -> float:
    """Seconds since the script started."""
    return time.monotonic() - _STARTED


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def package_version(name: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine(packages: Sequence[str] = ()) -> dict[str, Any]:
    """A description of this machine and run, for the report.

    Args:
        packages: distributions whose versions the report should name.

    Returns:
        Date (UTC), CPU model and count, OS, Python version and the package versions.
    """
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count() or 0,
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "load_average_1min": _load_average(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "packages": {name: package_version(name) for name in packages},
    }


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine_line(info: dict[str, Any]) -> str:
    """One Markdown sentence quoting the machine description."""
    packages = ", ".join(f"{name} {version}" for name, version in info["packages"].items())
    load = info.get("load_average_1min")
    return (
        f"Run {info['date_utc']} UTC on {info['cpu_count']} CPUs ({info['cpu']}), "
        f"{info['platform']}, Python {info['python']}"
        + (f"; {packages}" if packages else "")
        + (
            f"; load average {load:.2f} at the end of the run (other processes share the "
            "CPUs: timings are indicative)"
            if load is not None
            else ""
        )
        + "."
    )


def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage ("97.3%"), or "n/a"."""
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def points(a: float | None, b: float | None) -> str:
    """The difference a - b of two shares in percentage points ("+1.2"), or "n/a"."""
    return "n/a" if a is None or b is None else f"{100 * (a - b):+.1f}"


def md_cell(text: str, limit: int = 80) -> str:
    """Text shortened and escaped for one Markdown table cell."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("`", "'")


def write_report(name: str, lines: Sequence[str], data: dict[str, Any]) -> Path:
    """Writes bench/reports/<name>.md and <name>.json.

    Args:
        name: the report's base name, e.g. "langid".
        lines: the Markdown lines.
        data: the figures for the JSON file (aggregates only, no dataset content beyond
            the few quoted examples the Markdown shows).

    Returns:
        The Markdown file's path.
    """
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / f"{name}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (REPORTS / f"{name}.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    progress(f"Report: {shown} (+ {name}.json)")
    return path


def pyplot() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


SPEED_PASSES = 3


def measure_speed(
    messages: int, runners: Mapping[str, Callable[[], object]], passes: int = SPEED_PASSES
) -> dict[str, dict[str, Any]]:
    """Messages per second per system: median of `passes` timed passes, interleaved.

    Args:
        messages: how many messages one call of a runner handles.
        runners: per system, a callable that handles all the messages once.
        passes: timed passes per system.
    """
    timings: dict[str, list[float]] = {name: [] for name in runners}
    for run in range(passes):
        for name, runner in runners.items():
            started = time.perf_counter()
            runner()
            timings[name].append(time.perf_counter() - started)
        progress(
            f"   speed pass {run + 1}/{passes}: "
            + "  ".join(f"{n} {messages / timings[n][-1]:,.0f} msg/s" for n in runners)
        )
    return {
        name: {
            "messages": messages,
            "median_seconds": statistics.median(values),
            "messages_per_second": messages / statistics.median(values),
            "passes_seconds": values,
        }
        for name, values in timings.items()
    }


def speed_section(
    speed: Mapping[str, Mapping[str, Any]],
    labels: Mapping[str, str],
    anchor: str,
    source: str,
    note: str = "",
) -> list[str]:
    """The report's "Speed" section: one row per system, relative to `anchor`."""
    base = speed[anchor]["messages_per_second"]
    messages = next(iter(speed.values()))["messages"]
    lines = [
        "## Speed",
        "",
        f"Messages per second: median of {SPEED_PASSES} timed passes over the same "
        f"{messages} messages ({source}), passes interleaved across systems, one process, "
        f"one thread.{' ' + note if note else ''}",
        "",
        f"| system | messages/s | ms/message | relative to {labels[anchor]} |",
        "|---|---|---|---|",
    ]
    for system, values in speed.items():
        rate = values["messages_per_second"]
        lines.append(
            f"| {labels[system]} | {rate:,.0f} | {1000 / rate:.3f} | {rate / base:.2f}x |"
        )
    return [*lines, ""]


FULL_TRAINING_RECORD = PROJECT_ROOT / "bench" / "work" / "full-training.json"
RUN_STARTED_ENV = "BENCH_RUN_STARTED"


def timed_run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, float]:
    """Runs a command to its end (raising if it fails); returns its wall and CPU seconds.

    CPU seconds (user + system of the command and its children) are the fairer figure when
    other people's jobs share the machine: wall time then grows with their load.
    """
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(list(command), check=True, cwd=cwd, env=dict(env))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def record_full_training(seconds: float, model: Path, cpu_seconds: float | None = None
                         ) -> dict[str, Any]:
    """Keeps the last measured full-training time (bench/work, git-ignored) for other parts."""
    info = {
        "train_seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "size_mb": model.stat().st_size / 1e6,
        "measured_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "measured_epoch": time.time(),
    }
    FULL_TRAINING_RECORD.parent.mkdir(parents=True, exist_ok=True)
    FULL_TRAINING_RECORD.write_text(json.dumps(info), encoding="utf-8")
    return info


def last_full_training(same_run_only: bool) -> dict[str, Any] | None:
    """The last recorded full-training measurement, if any.

    Args:
        same_run_only: only a measurement made during the current `bench.run_all` run
            (its start time is in the BENCH_RUN_STARTED environment variable).
    """
    if not FULL_TRAINING_RECORD.exists():
        return None
    info = json.loads(FULL_TRAINING_RECORD.read_text(encoding="utf-8"))
    if same_run_only:
        started = os.environ.get(RUN_STARTED_ENV)
        if not started or info.get("measured_epoch", 0) < float(started):
            return None
    return info


def rss_mb() -> float:
    """This process's resident memory in MB (Linux /proc; 0.0 where unavailable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
