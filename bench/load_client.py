"""Load client for the REST channel: N concurrent scripted conversations, latency per message.

Every conversation is one customer (its own sender id) who waits for the bot's reply before
sending the next message, as a person in the chat widget does. The scripts are in
bench/conversations.yml; order numbers come from data/demo_orders.yml.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import numpy
import yaml

from bot.config import PROJECT_ROOT

SCRIPTS = PROJECT_ROOT / "bench" / "conversations.yml"
DEMO_ORDERS = PROJECT_ROOT / "data" / "demo_orders.yml"
REST_PATH = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Conversation:
    """One scripted customer: the language, the channel locale and the messages in order."""

    language: str
    locale: str
    turns: tuple[str, ...]


@dataclass
class LoadResult:
    """What one load level measured."""

    concurrency: int
    conversations: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    empty_replies: int = 0
    wall_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """Percentiles, throughput and error count (the raw latencies stay out of it)."""
        return {
            "concurrency": self.concurrency,
            "conversations": self.conversations,
            "messages": len(self.latencies_ms) + len(self.errors),
            **latency_percentiles(self.latencies_ms),
            "messages_per_second": throughput(len(self.latencies_ms), self.wall_seconds),
            "errors": len(self.errors),
            "error_examples": self.errors[:5],
            "empty_replies": self.empty_replies,
            "wall_seconds": self.wall_seconds,
        }


def latency_percentiles(latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """p50, p95, p99 and mean in milliseconds (linear interpolation); None when empty."""
    if not latencies_ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None}
    p50, p95, p99 = numpy.percentile(numpy.asarray(latencies_ms, dtype=float), [50, 95, 99])
    return {
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "mean_ms": float(numpy.mean(latencies_ms)),
    }


def throughput(messages: int, seconds: float) -> float | None:
    """Messages per second, or None without a measurable duration."""
    return messages / seconds if seconds > 0 else None


def load_conversations(
    scripts: Path = SCRIPTS, orders: Path = DEMO_ORDERS
) -> list[Conversation]:
    """The scripted conversations, each with a demo order number filled in (round robin)."""
    order_ids = [
        str(order["order_id"])
        for order in yaml.safe_load(orders.read_text(encoding="utf-8"))["orders"]
    ]
    raw = yaml.safe_load(scripts.read_text(encoding="utf-8"))["conversations"]
    return [
        Conversation(
            item["language"],
            item["locale"],
            tuple(turn.format(order_id=order_id) for turn in item["turns"]),
        )
        for item, order_id in zip(raw, itertools.cycle(order_ids))
    ]


async def _converse(
    session: aiohttp.ClientSession, url: str, script: Conversation, result: LoadResult
) -> None:
    sender = f"bench-{script.language}-{uuid.uuid4().hex[:12]}"
    for text in script.turns:
        payload = {"sender": sender, "message": text, "metadata": {"locale": script.locale}}
        started = time.perf_counter()
        try:
            async with session.post(url, json=payload) as reply:
                body = await reply.json(content_type=None)
                elapsed_ms = (time.perf_counter() - started) * 1000
                if reply.status != 200:
                    result.errors.append(f"HTTP {reply.status} for {text!r}")
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            result.errors.append(f"{type(error).__name__} for {text!r}: {error}")
            return
        result.latencies_ms.append(elapsed_ms)
        if not body:
            result.empty_replies += 1


async def run_load(
    base_url: str, scripts: Sequence[Conversation], concurrency: int, conversations: int
) -> LoadResult:
    """Runs `conversations` scripted conversations, at most `concurrency` at a time.

    Args:
        base_url: the Rasa server, e.g. "http://127.0.0.1:5005".
        scripts: the conversation scripts, used round robin (so languages interleave).
        concurrency: how many conversations are open at once.
        conversations: how many conversations in total.

    Returns:
        Per-message latencies of the successful replies, errors and the wall time.
    """
    result = LoadResult(concurrency, conversations)
    queue: asyncio.Queue[Conversation] = asyncio.Queue()
    for script in itertools.islice(itertools.cycle(scripts), conversations):
        queue.put_nowait(script)
    url = base_url.rstrip("/") + REST_PATH
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            await _converse(session, url, queue.get_nowait(), result)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        result.wall_seconds = time.perf_counter() - started
    return result
