"""The load client: percentiles, scripts, and a real run against a local REST endpoint."""

from __future__ import annotations

import pytest
from aiohttp import web

from bench import load_client
from bench.load_client import Conversation, latency_percentiles, throughput


def test_percentiles_interpolate_linearly() -> None:
    figures = latency_percentiles([float(v) for v in range(1, 101)])
    assert figures["p50_ms"] == pytest.approx(50.5)
    assert figures["p95_ms"] == pytest.approx(95.05)
    assert figures["p99_ms"] == pytest.approx(99.01)
    assert figures["mean_ms"] == pytest.approx(50.5)


def test_percentiles_of_one_value_and_of_nothing() -> None:
    assert latency_percentiles([12.0])["p99_ms"] == 12.0
    assert latency_percentiles([]) == {"p50_ms": None, "p95_ms": None, "p99_ms": None,
                                       "mean_ms": None}


def test_throughput_needs_a_duration() -> None:
    assert throughput(30, 3.0) == 10.0
    assert throughput(30, 0.0) is None


def test_scripts_use_demo_order_numbers_and_several_languages() -> None:
    scripts = load_client.load_conversations()
    languages = {script.language for script in scripts}
    assert {"en", "de", "ja", "ar", "hi"} <= languages
    order_ids = [line for line in load_client.DEMO_ORDERS.read_text().splitlines()
                 if "order_id" in line]
    for script in scripts:
        assert len(script.turns) == 5
        assert not any("{" in turn for turn in script.turns)
        assert any(any(c.isdigit() for c in turn) for turn in script.turns)
    first_order = order_ids[0].split('"')[1]
    assert first_order in scripts[0].turns[2]


def test_scripts_are_not_copied_from_training_or_heldout_data() -> None:
    from bot.languages import SUPPORTED_LANGUAGES
    from tests.nlu_data import heldout_examples, training_examples

    known = {
        text.strip().lower()
        for lang in SUPPORTED_LANGUAGES
        for rows in (training_examples(lang), heldout_examples(lang))
        for _, text, _ in rows
    }
    # One-word greetings ("Bonjour") exist everywhere; longer messages must be our own.
    longer = [turn for script in load_client.load_conversations() for turn in script.turns
              if len(turn.split()) > 2]
    assert len(longer) >= 10
    assert [turn for turn in longer if turn.strip().lower() in known] == []


async def _rest_endpoint(failing_text: str) -> tuple[web.AppRunner, list[dict]]:
    seen: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        payload = await request.json()
        seen.append(payload)
        if payload["message"] == failing_text:
            return web.json_response({"error": "boom"}, status=500)
        if payload["message"].startswith("silent"):
            return web.json_response([])
        return web.json_response([{"recipient_id": payload["sender"], "text": "ok"}])

    app = web.Application()
    app.router.add_post(load_client.REST_PATH, webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, seen


async def test_run_load_counts_latencies_errors_and_empty_replies() -> None:
    runner, seen = await _rest_endpoint("fail here")
    port = runner.addresses[0][1]
    scripts = [
        Conversation("en", "en-GB", ("hello", "silent please", "bye")),
        Conversation("de", "de-DE", ("hallo", "fail here", "never sent")),
    ]
    try:
        result = await load_client.run_load(f"http://127.0.0.1:{port}", scripts, 2, 4)
    finally:
        await runner.cleanup()
    summary = result.summary()
    # Two English conversations of 3 messages; two German ones stop at their failing message.
    assert len(result.latencies_ms) == 2 * 3 + 2 * 1
    assert summary["errors"] == 2
    assert summary["empty_replies"] == 2
    assert summary["messages"] == 10
    assert "HTTP 500" in summary["error_examples"][0]
    assert not any(p["message"] == "never sent" for p in seen)
    assert {p["metadata"]["locale"] for p in seen} == {"en-GB", "de-DE"}
    # Each conversation keeps one sender id for all its messages.
    senders = {p["sender"] for p in seen}
    assert len(senders) == 4
