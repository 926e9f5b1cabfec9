"""The translator against a local LibreTranslate stand-in: success, errors, timeouts, breaker."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.translation import TranslationSettings, Translator
from tests.fakes.libretranslate import FakeLibreTranslate


@pytest.fixture
def provider() -> Iterator[FakeLibreTranslate]:
    fake = FakeLibreTranslate().start()
    yield fake
    fake.stop()


def _translator(url: str, timeout: float = 0.5, cooldown: float = 60.0) -> Translator:
    settings = TranslationSettings(
        provider="libre", url=url, timeout=timeout, failures_to_open=2, cooldown_seconds=cooldown
    )
    return Translator(settings)


def test_translates_through_the_provider_api(provider: FakeLibreTranslate) -> None:
    translator = _translator(provider.url)
    text = "Merhaba, siparişim nerede? Kargo takip numarası alabilir miyim?"
    assert translator.translate(text, "tr", "en") == (
        "Hello, where is my order? Can I get the shipment tracking number?"
    )
    [request] = provider.requests
    assert request["source"] == "tr" and request["target"] == "en" and request["q"] == text


def test_caches_translations(provider: FakeLibreTranslate) -> None:
    translator = _translator(provider.url)
    first = translator.translate("Your order has shipped.", "en", "tr")
    second = translator.translate("Your order has shipped.", "en", "tr")
    assert first == second == "[tr] Your order has shipped."
    assert len(provider.requests) == 1


def test_provider_error_gives_none(provider: FakeLibreTranslate) -> None:
    provider.mode = "error"
    assert _translator(provider.url).translate("Hello", "en", "tr") is None


def test_a_hanging_provider_is_cut_off_at_the_timeout(provider: FakeLibreTranslate) -> None:
    provider.mode = "slow"
    translator = _translator(provider.url, timeout=0.3)
    started = time.monotonic()
    assert translator.translate("Hello", "en", "tr") is None
    # The bound is the point of the feature; the margin is for a busy machine.
    assert time.monotonic() - started < 2.0


def test_breaker_stops_calls_to_a_failing_provider_and_retries_later(
    provider: FakeLibreTranslate,
) -> None:
    provider.mode = "error"
    translator = _translator(provider.url, cooldown=0.2)
    assert translator.translate("one", "en", "tr") is None
    assert translator.translate("two", "en", "tr") is None
    assert not translator.available
    assert translator.translate("three", "en", "tr") is None
    assert len(provider.requests) == 2  # the open breaker made no call

    provider.mode = "ok"
    time.sleep(0.25)
    assert translator.translate("four", "en", "tr") == "[tr] four"
    assert translator.available


def test_dead_provider_gives_none() -> None:
    fake = FakeLibreTranslate()
    url = fake.url  # bound, then closed before it ever served: connection refused
    fake.close()
    assert _translator(url).translate("Hello", "en", "tr") is None


def test_unconfigured_translator_never_calls_anyone() -> None:
    translator = Translator(TranslationSettings(provider="libre", url=None))
    assert not translator.available
    assert translator.translate("Hello", "en", "tr") is None
    assert translator.translate("Hello", "en", "en") == "Hello"
