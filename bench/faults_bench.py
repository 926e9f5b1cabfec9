"""Crashes during conversations: how soon the customer gets a reply, how soon all is well.

For each round, a customer in the middle of a conversation sends a message right after the
action server (or Rasa) is killed with SIGKILL; the bench times the reply and the time
until the helpdesk's /health says all three processes are ok again. The anchor is the
same message on the healthy stack, in the same run. Also measured: the reply while the
action server stays down (the honest "technical problem" answer).

    python -m bench.faults_bench [--rounds 5] [--attach]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from typing import Any

import requests

from bench.common import machine, machine_line, progress, pyplot, write_report
from bench.stack import attached_stack, started_stack
from bot.topology import AssistantStack

TARGET_REPLY_SECONDS = 10.0
TARGET_HEALTHY_SECONDS = 60.0
OPENING = "How much does shipping cost?"
ORDER_QUESTION = "Where is my order 482913?"


def say(stack: AssistantStack, sender: str, text: str) -> tuple[float, list[dict[str, Any]]]:
    """Seconds until the reply, and the reply."""
    started = time.monotonic()
    answer = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                           json={"sender": sender, "message": text}, timeout=180)
    return time.monotonic() - started, answer.json() if answer.status_code == 200 else []


def seconds_until_healthy(stack: AssistantStack, started: float) -> float:
    """Seconds from `started` until /health reports all three processes ok."""
    while time.monotonic() - started < 300:
        try:
            health = requests.get(f"{stack.helpdesk_url}/health", timeout=5)
            if health.status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.25)
    return float("inf")


def crash_round(stack: AssistantStack, process: str) -> dict[str, float | bool]:
    """One conversation; kill `process`; time the next reply and the recovery."""
    sender = f"fault-{process}-{uuid.uuid4().hex[:8]}"
    say(stack, sender, OPENING)
    healthy_seconds, healthy_reply = say(stack, sender, ORDER_QUESTION)
    if process == "rasa":
        stack.wait_standby("rasa")
    stack.kill(process)
    killed_at = time.monotonic()
    seconds, reply = say(stack, sender, ORDER_QUESTION)
    return {"healthy_seconds": healthy_seconds, "reply_seconds": seconds,
            "answered": bool(reply) and bool(healthy_reply),
            "healthy_again_seconds": seconds_until_healthy(stack, killed_at)}


def outage_round(stack: AssistantStack) -> dict[str, float | bool]:
    """The action server held down: time of the honest answer."""
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    say(stack, sender, OPENING)
    stack.stop_service("actions")
    try:
        seconds, reply = say(stack, sender, ORDER_QUESTION)
    finally:
        stack.restart_service("actions")
    return {"reply_seconds": seconds, "answered": bool(reply)}


def main() -> None:
    """Runs the rounds and writes bench/reports/faults.{md,json,png}."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 rounds")
    parser.add_argument("--attach", action="store_true", help="use `make run`'s stack")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    stack = attached_stack() if args.attach else started_stack("faults")
    results: dict[str, list[dict[str, float | bool]]] = {"actions": [], "rasa": [], "outage": []}
    try:
        for number in range(rounds):
            for process in ("actions", "rasa"):
                progress(f"Round {number + 1}/{rounds}: killing {process}")
                results[process].append(crash_round(stack, process))
            results["outage"].append(outage_round(stack))
    finally:
        if not args.attach:
            stack.stop()
    report(results)


def report(results: dict[str, list[dict[str, float | bool]]]) -> None:
    """The Markdown and JSON report, with a plot of every round."""
    info = machine()
    rows, summary = [], {}
    for name, label in (("actions", "action server killed"), ("rasa", "Rasa killed"),
                        ("outage", "action server down (held)")):
        runs = results[name]
        replies = [float(r["reply_seconds"]) for r in runs]
        healthy = [float(r["healthy_again_seconds"]) for r in runs if "healthy_again_seconds" in r]
        anchor = [float(r["healthy_seconds"]) for r in runs if "healthy_seconds" in r]
        summary[name] = {
            "rounds": len(runs), "answered": sum(bool(r["answered"]) for r in runs),
            "reply_median_s": statistics.median(replies), "reply_max_s": max(replies),
            "healthy_median_s": statistics.median(healthy) if healthy else None,
            "healthy_max_s": max(healthy) if healthy else None,
            "anchor_median_s": statistics.median(anchor) if anchor else None,
        }
        s = summary[name]
        rows.append(
            f"| {label} | {s['answered']}/{s['rounds']} | {s['reply_median_s']:.1f} s "
            f"(max {s['reply_max_s']:.1f} s) | "
            + (f"{s['anchor_median_s']:.2f} s" if anchor else "n/a") + " | "
            + (f"{s['healthy_median_s']:.1f} s (max {s['healthy_max_s']:.1f} s)"
               if healthy else "n/a") + " |"
        )
    met = all(s["answered"] == s["rounds"] and s["reply_max_s"] <= TARGET_REPLY_SECONDS
              for s in summary.values()) and all(
        (s["healthy_max_s"] or 0) <= TARGET_HEALTHY_SECONDS for s in summary.values())
    lines = [
        "# Crashes during conversations", "", machine_line(info), "",
        f"Each round: a conversation, then SIGKILL of one process, then the customer's next "
        f"message (\"{ORDER_QUESTION}\", which needs the action server). Targets: a reply "
        f"within {TARGET_REPLY_SECONDS:.0f} s, /health all ok within "
        f"{TARGET_HEALTHY_SECONDS:.0f} s. Anchor: the same message on the healthy stack.", "",
        "| fault | answered | reply after the fault | anchor (healthy) | /health ok again |",
        "|---|---|---|---|---|", *rows, "",
        f"Targets {'met' if met else '**not met**'}.", "", "![reply times](faults.png)", "",
    ]
    _plot(results)
    write_report("faults", lines, {
        "machine": info, "summary": summary, "rounds": results,
        "headlines": [{
            "figure": "reply after killing the action server / Rasa (max over rounds)",
            "value": f"{summary['actions']['reply_max_s']:.1f} s / "
                     f"{summary['rasa']['reply_max_s']:.1f} s",
            "anchor": f"healthy stack {summary['actions']['anchor_median_s']:.2f} s (median)",
            "comparison": f"/health ok again after {summary['rasa']['healthy_max_s']:.0f} s "
                          "at most",
            "target": f"<= {TARGET_REPLY_SECONDS:.0f} s, health <= {TARGET_HEALTHY_SECONDS:.0f} s",
            "met": met,
        }],
    })


def _plot(results: dict[str, list[dict[str, float | bool]]]) -> None:
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 3.5))
    for name, runs in results.items():
        axis.plot(range(1, len(runs) + 1), [float(r["reply_seconds"]) for r in runs],
                  marker="o", label=f"reply, {name}")
    axis.axhline(TARGET_REPLY_SECONDS, color="grey", linestyle="--", label="target")
    axis.set_xlabel("round")
    axis.set_ylabel("seconds")
    axis.legend(fontsize=7)
    figure.tight_layout()
    from bench.common import REPORTS

    figure.savefig(REPORTS / "faults.png", dpi=110)


if __name__ == "__main__":
    main()
