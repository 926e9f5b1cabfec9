"""System figures of the whole stack vs stock Rasa, same machine, same run, same load.

- Cold start: wall time from starting `python -m bot.launcher` (what `make run` runs once the
  model is trained) to the helpdesk's /health answering 200 with every service "ok".
- Peak memory: the largest sum of RSS over the launcher and all its child processes, sampled
  every 0.5 s from start to stop (load included).
- Latency through the REST channel (NLU, policies, action server, NLG rendering): p50/p95/p99
  at 1, 10 and 50 concurrent scripted conversations (bench/conversations.yml), msgs/s, errors.
- Full training time (fresh empty cache, `rasa train --force`) and model size.

The anchor is stock Rasa (bench/stock_project.py) served by `rasa run` with the REST channel,
loaded with the same scripts at the same concurrency, levels interleaved between the two.

    PYTHONPATH=. .venv/bin/python -m bench.system_bench [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench import load_client, stock_project
from bench.common import (
    REPORTS,
    last_full_training,
    machine,
    machine_line,
    progress,
    pyplot,
    record_full_training,
    timed_run,
    write_report,
)
from bot.config import PROJECT_ROOT
from bot.training import latest_model

WORK = PROJECT_ROOT / "bench" / "work"
STOCK_DIR = WORK / "stock-project"
# Generous: on a shared 2-core machine loading the stock model alone took over 5 minutes.
READY_TIMEOUT_SECONDS = 900
LOGS = WORK / "logs"
SAMPLE_SECONDS = 0.5
TARGETS = {"p95_ratio_at_10": 1.3, "cold_start_s": 45.0, "peak_memory_mb": 2048.0,
           "full_training_s": 300.0}
# Conversations per concurrency level (5 messages each). The stock anchor is trained at reduced
# epochs: on 2 cores Rasa's defaults (100 epochs for DIET, ResponseSelector, TED, UnexpecTED)
# take over an hour on our data; latency does not depend on the epoch count.
FULL = {"levels": {1: 20, 10: 40, 50: 100}, "warmup_conversations": 10,
        "stock_epochs": {"DIETClassifier": 5, "ResponseSelector": 5, "TEDPolicy": 40,
                         "UnexpecTEDIntentPolicy": 40}}
QUICK = {"levels": {1: 3, 10: 10, 50: 50}, "warmup_conversations": 2,
         "stock_epochs": {"DIETClassifier": 1, "ResponseSelector": 1, "TEDPolicy": 1,
                          "UnexpecTEDIntentPolicy": 1}}


def free_port() -> int:
    """A port nobody listens on right now (bound to port 0 by the kernel)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MemorySampler:
    """Samples the summed RSS of a process and all its descendants in a thread."""

    pid: int
    peak_bytes: int = 0
    samples: int = 0
    seen: dict[int, psutil.Process] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemorySampler:
        """Starts sampling."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops sampling."""
        self._stop.set()
        if self._thread:
            self._thread.join()

    def total_rss(self) -> int:
        """The summed RSS now (0 once the process is gone)."""
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
                self.seen.setdefault(process.pid, process)
            except psutil.NoSuchProcess:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self.total_rss())
            self.samples += 1
            self._stop.wait(SAMPLE_SECONDS)


@dataclass
class Service:
    """One started system (ours or stock): its root process, REST URL and measurements."""

    name: str
    process: subprocess.Popen[bytes]
    rasa_url: str
    sampler: MemorySampler
    cold_start_seconds: float = 0.0
    log: Path | None = None

    def stop(self) -> None:
        """SIGTERM to the root (the launcher stops its children), then kill what is left."""
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # psutil refuses to signal a pid that was reused by another process since.
        for process in self.sampler.seen.values():
            try:
                if process.is_running():
                    process.kill()
            except psutil.NoSuchProcess:
                continue


def _get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, ValueError):
        return 0, None


def _wait_ready(process: subprocess.Popen[bytes], is_ready: Any, what: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}; see {log}")
        if is_ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready within {READY_TIMEOUT_SECONDS} s; see {log}")


def start_ours(var_dir: Path) -> Service:
    """Starts `python -m bot.launcher` on free ports and times it until /health is all ok."""
    rasa_port, action_port, helpdesk_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "HELPDESK_PORT": str(helpdesk_port),
        "KESTREL_VAR_DIR": str(var_dir),
        "RASA_API_TOKEN": "bench-rasa-token",
        "HELPDESK_API_TOKEN": "bench-helpdesk-token",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "system-ours-launcher.log"
    health = f"http://127.0.0.1:{helpdesk_port}/health"
    progress(f"Starting our stack (python -m bot.launcher), Rasa on :{rasa_port}")
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT,
        )
    sampler = MemorySampler(process.pid).start()

    def all_ok() -> bool:
        status, body = _get_json(health)
        return status == 200 and isinstance(body, dict) and all(
            value == "ok" for value in body.values()
        )

    service = Service("ours", process, f"http://127.0.0.1:{rasa_port}", sampler, log=log)
    try:
        _wait_ready(process, all_ok, "our stack", log)
    except RuntimeError:
        service.stop()
        raise
    service.cold_start_seconds = time.monotonic() - started
    progress(f"   ours ready in {service.cold_start_seconds:.1f} s")
    return service


def start_stock(model: Path, credentials: Path) -> Service:
    """Starts `rasa run` with the stock model and the REST channel; times it until it answers."""
    port = free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "system-stock-rasa.log"
    progress(f"Starting stock Rasa (rasa run, REST channel) on :{port}")
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "rasa"), "run", "--model", str(model),
                "--port", str(port), "--interface", "127.0.0.1",
                "--credentials", str(credentials), "--enable-api",
            ],
            cwd=STOCK_DIR, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
            stdout=out, stderr=subprocess.STDOUT,
        )
    sampler = MemorySampler(process.pid).start()
    url = f"http://127.0.0.1:{port}"

    def loaded() -> bool:
        status, body = _get_json(f"{url}/status")
        return status == 200 and isinstance(body, dict) and bool(body.get("model_file"))

    service = Service("stock", process, url, sampler, log=log)
    try:
        _wait_ready(process, loaded, "stock Rasa", log)
    except RuntimeError:
        service.stop()
        raise
    service.cold_start_seconds = time.monotonic() - started
    progress(f"   stock ready in {service.cold_start_seconds:.1f} s")
    return service


def train_stock(plan: dict[str, Any], quick: bool, reuse: bool) -> dict[str, Any]:
    """Builds bench/work/stock-project and trains the anchor, or reuses a cached one.

    Quick mode and `--reuse` reuse the full-mode model when there is one, else a quick one
    (1 epoch each); the report names the epochs of the model that was served.
    """
    project = stock_project.build_stock_project(STOCK_DIR, plan["stock_epochs"])
    summary = {
        "removed_actions": project["removed_actions"],
        "removed_slots": project["removed_slots"],
        "removed_flows": project["removed_flows"],
        "credentials": str(project["credentials"]),
    }
    name = "stock-quick" if quick else "stock"
    for candidate in ["stock", "stock-quick"] if quick or reuse else []:
        record = STOCK_DIR / f"{candidate}.json"
        if record.exists() and Path(json.loads(record.read_text())["model"]).exists():
            info = json.loads(record.read_text())
            progress(f"Stock anchor: REUSING the cached model {info['model']}")
            return {**summary, **info, "reused": True}
    progress("Training the stock anchor (rasa train, default config, fresh cache)")
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        seconds, cpu = timed_run(
            [
                str(Path(sys.executable).parent / "rasa"), "train", "--force",
                "--config", str(project["config"]), "--domain", str(project["domain"]),
                "--data", *map(str, project["data"]), "--out", str(STOCK_DIR / "models"),
                "--fixed-model-name", name,
            ],
            STOCK_DIR,
            {**os.environ, "RASA_CACHE_DIRECTORY": cache, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    model = STOCK_DIR / "models" / f"{name}.tar.gz"
    info = {"model": str(model), "train_seconds": seconds, "cpu_seconds": cpu,
            "size_mb": model.stat().st_size / 1e6, "epochs": plan["stock_epochs"]}
    (STOCK_DIR / f"{name}.json").write_text(json.dumps(info), encoding="utf-8")
    return {**summary, **info, "reused": False}


def train_ours(quick: bool, reuse: bool = False) -> dict[str, Any]:
    """Full training time of our model (fresh empty cache, `rasa train --force`).

    Quick mode (or `--reuse`) reuses the last measurement; full mode reuses one made earlier
    in the same `bench.run_all` run (the nlu step trains the same model the same way), else
    measures.
    """
    from bench.nlu_bench import WORK as NLU_WORK
    from bench.nlu_bench import train_full_model

    earlier = last_full_training(same_run_only=not (quick or reuse))
    if earlier is not None:
        progress("Full training time: REUSING the measurement of "
                 f"{earlier['measured_utc']} UTC ({earlier['train_seconds']:.0f} s)")
        return {**earlier, "reused": True}
    if quick or reuse:
        progress("Full training time: not measured (reuse asked for, no earlier measurement)")
        return {"train_seconds": None, "size_mb": None, "reused": False}
    seconds, cpu = train_full_model()
    return {**record_full_training(seconds, NLU_WORK / "ours-full.tar.gz", cpu), "reused": False}


def run(quick: bool, reuse: bool = False) -> dict[str, Any]:
    """Trains what is needed, starts both systems, loads them, returns the figures."""
    plan = QUICK if quick else FULL
    served = latest_model(PROJECT_ROOT / "models")
    if served is None:
        raise SystemExit("No trained model in models/; run `make train` first.")
    stock_training = train_stock(plan, quick, reuse)
    scripts = load_client.load_conversations()
    results: dict[str, dict[int, load_client.LoadResult]] = {"ours": {}, "stock": {}}
    with tempfile.TemporaryDirectory(prefix="kestrel-bench-") as tmp:
        services: dict[str, Service] = {}
        try:
            services["ours"] = start_ours(Path(tmp))
            services["stock"] = start_stock(
                Path(stock_training["model"]), Path(stock_training["credentials"])
            )
            idle_mb = {name: s.sampler.total_rss() / 1e6 for name, s in services.items()}
            for name, service in services.items():
                progress(f"Warm-up: {plan['warmup_conversations']} conversations on {name}")
                asyncio.run(load_client.run_load(
                    service.rasa_url, scripts, 1, plan["warmup_conversations"]
                ))
            for concurrency, conversations in plan["levels"].items():
                for name, service in services.items():
                    result = asyncio.run(load_client.run_load(
                        service.rasa_url, scripts, concurrency, conversations
                    ))
                    results[name][concurrency] = result
                    s = result.summary()
                    progress(
                        f"   {name:5s} {concurrency:2d} concurrent: p50 {s['p50_ms']:.0f} ms, "
                        f"p95 {s['p95_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms, "
                        f"{s['messages_per_second']:.1f} msg/s, {s['errors']} errors"
                    )
        finally:
            for service in services.values():
                service.stop()
    # After the load, so that training never runs beside the measured servers.
    ours_training = train_ours(quick, reuse)
    return {
        "mode": "quick" if quick else "full",
        "plan": {"levels": plan["levels"], "warmup_conversations": plan["warmup_conversations"],
                 "stock_epochs": plan["stock_epochs"]},
        "scripts": {"conversations": len(scripts),
                    "languages": [s.language for s in scripts],
                    "messages_per_conversation": len(scripts[0].turns)},
        "served_model": {"file": served.name, "size_mb": served.stat().st_size / 1e6},
        "ours_training": ours_training,
        "stock_training": {k: v for k, v in stock_training.items() if k != "credentials"},
        "cold_start_seconds": {n: s.cold_start_seconds for n, s in services.items()},
        "idle_memory_mb": idle_mb,
        "peak_memory_mb": {n: s.sampler.peak_bytes / 1e6 for n, s in services.items()},
        "memory_samples": {n: s.sampler.samples for n, s in services.items()},
        "load": {
            name: {str(c): r.summary() for c, r in levels.items()}
            for name, levels in results.items()
        },
        "_latencies": {
            name: {c: r.latencies_ms for c, r in levels.items()}
            for name, levels in results.items()
        },
    }


def headlines(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary rows (figure, anchor, comparison, target) for REPORT.md."""
    ours, stock = result["load"]["ours"], result["load"]["stock"]
    at10 = ours.get("10"), stock.get("10")
    rows = []
    if at10[0] and at10[1] and at10[0]["p95_ms"] and at10[1]["p95_ms"]:
        ratio = at10[0]["p95_ms"] / at10[1]["p95_ms"]
        rows.append({
            "figure": "p95 latency per message, 10 concurrent conversations (REST)",
            "value": f"{at10[0]['p95_ms']:.0f} ms",
            "anchor": f"stock Rasa {at10[1]['p95_ms']:.0f} ms",
            "comparison": f"{ratio:.2f}x",
            "target": f"<= {TARGETS['p95_ratio_at_10']}x stock",
            "met": ratio <= TARGETS["p95_ratio_at_10"],
        })
        rows.append({
            "figure": "throughput, 10 concurrent conversations",
            "value": f"{at10[0]['messages_per_second']:.1f} msg/s",
            "anchor": f"stock Rasa {at10[1]['messages_per_second']:.1f} msg/s",
            "comparison": f"{at10[0]['messages_per_second'] / at10[1]['messages_per_second']:.2f}x",
            "target": "(none)",
            "met": None,
        })
    errors_ours = sum(level["errors"] for level in ours.values())
    errors_stock = sum(level["errors"] for level in stock.values())
    messages = sum(level["messages"] for level in ours.values())
    rows.append({
        "figure": f"errors over all load levels ({messages} messages)",
        "value": str(errors_ours),
        "anchor": f"stock Rasa {errors_stock}",
        "comparison": f"{errors_ours - errors_stock:+d}",
        "target": "0",
        "met": errors_ours == 0,
    })
    cold = result["cold_start_seconds"]
    rows.append({
        "figure": "cold start, launcher start to /health all ok",
        "value": f"{cold['ours']:.1f} s",
        "anchor": f"stock `rasa run` to model loaded {cold['stock']:.1f} s",
        "comparison": f"{cold['ours'] / cold['stock']:.2f}x",
        "target": f"<= {TARGETS['cold_start_s']:.0f} s",
        "met": cold["ours"] <= TARGETS["cold_start_s"],
    })
    peak = result["peak_memory_mb"]
    rows.append({
        "figure": "peak memory, all services together (RSS sum)",
        "value": f"{peak['ours']:.0f} MB",
        "anchor": f"stock Rasa {peak['stock']:.0f} MB",
        "comparison": f"{peak['ours'] / peak['stock']:.2f}x",
        "target": f"<= {TARGETS['peak_memory_mb']:.0f} MB",
        "met": peak["ours"] <= TARGETS["peak_memory_mb"],
    })
    training, stock_training = result["ours_training"], result["stock_training"]
    if training.get("train_seconds"):
        reused = " (reused earlier measurement)" if training.get("reused") else ""
        rows.append({
            "figure": "full training time, NLU + dialogue, empty cache",
            "value": f"{training['train_seconds']:.0f} s wall{_cpu(training)}{reused}",
            "anchor": f"stock Rasa {stock_training['train_seconds']:.0f} s wall"
            f"{_cpu(stock_training)} at reduced epochs",
            "comparison": f"{training['train_seconds'] / stock_training['train_seconds']:.2f}x",
            "target": f"<= {TARGETS['full_training_s'] / 60:.0f} min",
            "met": training["train_seconds"] <= TARGETS["full_training_s"],
        })
    rows.append({
        "figure": "model size (served model)",
        "value": f"{result['served_model']['size_mb']:.1f} MB",
        "anchor": f"stock Rasa {stock_training['size_mb']:.1f} MB",
        "comparison": f"{result['served_model']['size_mb'] / stock_training['size_mb']:.2f}x",
        "target": "(none)",
        "met": None,
    })
    return rows


def plot(result: dict[str, Any], path: Path) -> None:
    """Latency CDFs per level (ours solid, stock dashed) and p50/p95/p99 bars."""
    import numpy

    plt = pyplot()
    fig, (cdf, bars) = plt.subplots(1, 2, figsize=(12, 4.2))
    colours = {"1": "tab:blue", "10": "tab:orange", "50": "tab:red"}
    for name, style in (("ours", "-"), ("stock", "--")):
        for level, latencies in result["_latencies"][name].items():
            if not latencies:
                continue
            values = numpy.sort(numpy.asarray(latencies))
            cdf.plot(values, numpy.arange(1, len(values) + 1) / len(values), style,
                     color=colours.get(str(level), "black"),
                     label=f"{name}, {level} concurrent")
    cdf.set_xscale("log")
    cdf.set_xlabel("latency per message (ms, log scale)")
    cdf.set_ylabel("share of messages")
    cdf.set_title("Latency distribution (REST channel)")
    cdf.legend(fontsize=7)
    levels = list(result["load"]["ours"])
    width = 0.13
    for index, (name, pctl) in enumerate(
        (n, p) for n in ("ours", "stock") for p in ("p50_ms", "p95_ms", "p99_ms")
    ):
        xs = [i + (index - 2.5) * width for i in range(len(levels))]
        values = [result["load"][name][level][pctl] or 0 for level in levels]
        bars.bar(xs, values, width, label=f"{name} {pctl[:3]}",
                 color=("tab:blue" if name == "ours" else "tab:grey"),
                 alpha=(0.45, 0.7, 1.0)[index % 3])
    bars.set_xticks(range(len(levels)), [f"{level} concurrent" for level in levels])
    bars.set_ylabel("ms")
    bars.set_title("p50 / p95 / p99 per load level")
    bars.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report_lines(result: dict[str, Any]) -> list[str]:
    """The Markdown report."""
    plan, stock = result["plan"], result["stock_training"]
    lines = [
        "# System benchmark: the whole stack vs stock Rasa",
        "",
        machine_line(result["machine"]),
        f"Command: `{result['machine']['command']}` ({result['mode']} mode, "
        f"{result['seconds']:.0f} s).",
        "",
        "- **ours**: `python -m bot.launcher` (what `make run` starts once the model is "
        "trained) on free ports with a temporary var dir: helpdesk, action server (actions + "
        f"NLG) and Rasa serving the newest model in models/ (`{result['served_model']['file']}`)"
        ", SQLite tracker store.",
        "- **stock Rasa**: the project built by `bench/stock_project.py` in "
        "bench/work/stock-project: Rasa's default config (`rasa init`: default pipeline and "
        "policies) with epochs reduced for the time budget ("
        + ", ".join(f"{name} {count}" for name, count in stock["epochs"].items())
        + "; latency does not depend on them), the same "
        "NLU data, rules and stories, a domain reduced to what stock Rasa serves alone (English "
        "responses, no custom actions, no NLG endpoint), in-memory tracker store; served by "
        "`rasa run` with the REST channel and no action endpoint. Removed custom actions: "
        f"{', '.join(stock['removed_actions'])}; removed slots (custom mappings): "
        f"{', '.join(stock['removed_slots'])}; rules dropped: "
        f"{len(stock['removed_flows']['rules'])}, stories dropped: "
        f"{len(stock['removed_flows']['stories'])}.",
        f"- **Load**: {result['scripts']['conversations']} scripted conversations "
        f"({', '.join(result['scripts']['languages'])}; bench/conversations.yml: greet, an FAQ "
        "question, order status with a demo order number, thanks, goodbye), used round robin; "
        "each conversation has its own sender id and waits for each reply before the next "
        "message. Conversations per level: "
        + ", ".join(f"{n} at {c} concurrent" for c, n in plan["levels"].items())
        + f"; {plan['warmup_conversations']} warm-up conversations per system first (not "
        "counted). Levels are interleaved: ours, stock, ours, stock... Both systems run on "
        "the same machine at the same time (only one is loaded at a time).",
        "",
    ]
    if result["mode"] == "quick":
        lines += ["**Quick mode**: fewer conversations per level; percentiles are noisy. "
                  "Run `make bench-system` for the full figures.", ""]
    if stock.get("reused"):
        lines += ["The stock anchor model was REUSED from bench/work/stock-project (trained by "
                  "an earlier run; its training time is from that run).", ""]
    lines += [
        "## Latency per message (REST channel, including actions and reply rendering)",
        "",
        "| system | concurrent | messages | p50 ms | p95 ms | p99 ms | msgs/s | errors | "
        "empty replies |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for level in result["load"]["ours"]:
        for name in ("ours", "stock"):
            s = result["load"][name][level]
            lines.append(
                f"| {name} | {level} | {s['messages']} | {_ms(s['p50_ms'])} | "
                f"{_ms(s['p95_ms'])} | {_ms(s['p99_ms'])} | "
                f"{(s['messages_per_second'] or 0):.1f} | {s['errors']} | {s['empty_replies']} |"
            )
    lines += [
        "",
        "Latency is measured per message from sending the POST to receiving the full reply "
        "list. An empty reply is a 200 with no message (counted in the latency): stock Rasa "
        "has no order lookup or fallback action, so some of its turns end silently, which "
        "makes its work per message smaller than ours (NLU with language, register and "
        "frustration, policies, action server, per-language NLG rendering, SQLite tracker).",
        "",
        "| level | p95 ours / stock | p50 ours / stock |", "|---|---|---|",
    ]
    for level in result["load"]["ours"]:
        o, s = result["load"]["ours"][level], result["load"]["stock"][level]
        lines.append(f"| {level} concurrent | {_ratio(o['p95_ms'], s['p95_ms'])} | "
                     f"{_ratio(o['p50_ms'], s['p50_ms'])} |")
    lines += ["", "![latency](system.png)", "", "## Summary with anchors and targets", "",
              "| figure | ours | anchor (same run) | ratio / difference | target | met |",
              "|---|---|---|---|---|---|"]
    for row in result["headlines"]:
        met = "n/a" if row["met"] is None else ("met" if row["met"] else "**not met**")
        lines.append(f"| {row['figure']} | {row['value']} | {row['anchor']} | "
                     f"{row['comparison']} | {row['target']} | {met} |")
    training = result["ours_training"]
    lines += [
        "",
        f"Idle memory after start: ours {result['idle_memory_mb']['ours']:.0f} MB, stock "
        f"{result['idle_memory_mb']['stock']:.0f} MB ({result['memory_samples']['ours']} / "
        f"{result['memory_samples']['stock']} samples every {SAMPLE_SECONDS} s).",
        "",
        "Full training of ours: `rasa train --force` on data/nlu, data/rules, data/stories with "
        "a fresh empty Rasa cache, model written to bench/work/ours-full.tar.gz"
        + (f" ({training['size_mb']:.1f} MB)" if training.get("size_mb") else "")
        + (f"; value REUSED from the measurement of {training['measured_utc']} UTC"
           if training.get("reused") else "")
        + ". Cold start does not include training: `make run` trains only when data or config "
        "changed, and the model in models/ was current.",
    ]
    for name in ("ours", "stock"):
        examples = [e for s in result["load"][name].values() for e in s["error_examples"]]
        if examples:
            lines += ["", f"Errors ({name}), first ones:", "",
                      *[f"- {load_client_md(e)}" for e in examples[:5]]]
    return lines


def load_client_md(text: str) -> str:
    """An error message shortened for one Markdown line."""
    return " ".join(text.split())[:200]


def _cpu(training: dict[str, Any]) -> str:
    cpu = training.get("cpu_seconds")
    return f" ({cpu:.0f} s CPU)" if cpu else ""


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if not a or not b else f"{a / b:.2f}x"


def main() -> None:
    """`make bench-system`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer conversations; reuses cached models and training time")
    parser.add_argument("--reuse", action="store_true",
                        help="full load, but reuse the cached stock model and the last "
                        "measured full-training time")
    args = parser.parse_args()
    # SIGTERM (run_all's time limit, or kill) stops the started servers through `finally`.
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    result = run(args.quick, args.reuse)
    result["seconds"] = time.monotonic() - started
    result["machine"] = machine(("rasa", "rasa-sdk", "sanic", "aiohttp", "psutil"))
    result["headlines"] = headlines(result)
    REPORTS.mkdir(parents=True, exist_ok=True)
    plot(result, REPORTS / "system.png")
    result.pop("_latencies")
    write_report("system", report_lines(result), result)
    for row in result["headlines"]:
        progress(f"{row['figure']}: {row['value']} vs {row['anchor']} ({row['comparison']})")


if __name__ == "__main__":
    main()
