"""Machine translation for customers whose language the bot does not speak.

Uses deep-translator's providers; a self-hosted LibreTranslate is the default. Every call is
bounded in time, results are cached, and a failing provider is left alone for a while
(circuit breaker), so a dead provider costs the customer at most one timeout.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 1.5
MAX_TIMEOUT_SECONDS = 2.0
_MAX_TEXT_CHARS = 2000


@dataclass(frozen=True)
class TranslationSettings:
    """Which provider to call and how (environment: TRANSLATION_*)."""

    provider: str = "libre"
    url: str | None = None
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    failures_to_open: int = 3
    cooldown_seconds: float = 60.0

    @classmethod
    def from_environment(cls) -> TranslationSettings:
        """TRANSLATION_{PROVIDER,URL,API_KEY,TIMEOUT,COOLDOWN} (seconds)."""
        timeout = float(os.environ.get("TRANSLATION_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
        return cls(
            provider=os.environ.get("TRANSLATION_PROVIDER", "libre").lower(),
            url=os.environ.get("TRANSLATION_URL") or None,
            api_key=os.environ.get("TRANSLATION_API_KEY") or None,
            timeout=min(max(timeout, 0.1), MAX_TIMEOUT_SECONDS),
            cooldown_seconds=float(os.environ.get("TRANSLATION_COOLDOWN", "60")),
        )

    @property
    def configured(self) -> bool:
        """LibreTranslate needs a URL (self-hosted); other providers need an API key."""
        return bool(self.url) if self.provider == "libre" else bool(self.api_key)


class CircuitBreaker:
    """Opens after consecutive failures; lets one trial call through after a cooldown."""

    def __init__(self, failures_to_open: int, cooldown_seconds: float) -> None:
        """Creates a closed breaker."""
        self.failures_to_open = failures_to_open
        self.cooldown_seconds = cooldown_seconds
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True while calls should not be made."""
        with self._lock:
            if self._opened_at is None:
                return False
            if time.monotonic() - self._opened_at >= self.cooldown_seconds:
                self._opened_at = None  # half-open: the next call is the trial
                self._failures = self.failures_to_open - 1
                return False
            return True

    def record(self, success: bool) -> None:
        """Counts a call's outcome."""
        with self._lock:
            if success:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._failures >= self.failures_to_open:
                self._opened_at = time.monotonic()


class Translator:
    """Translates short texts through the configured provider, or says it cannot."""

    def __init__(
        self,
        settings: TranslationSettings | None = None,
        cache_size: int = 4096,
        provider_factory: Callable[[str, str], Any] | None = None,
    ) -> None:
        """Creates a translator.

        Args:
            settings: provider settings; from the environment when None.
            cache_size: how many translations to remember.
            provider_factory: builds a deep-translator object for (source, target);
                by default from `settings`.
        """
        self.settings = settings or TranslationSettings.from_environment()
        self.breaker = CircuitBreaker(
            self.settings.failures_to_open, self.settings.cooldown_seconds
        )
        self._cache: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._factory = provider_factory or self._deep_translator
        # Calls run in worker threads so that a hanging provider cannot hold up a reply.
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="translate"
        )

    @property
    def available(self) -> bool:
        """Whether a call would be attempted now."""
        return self.settings.configured and not self.breaker.is_open

    def translate(self, text: str, source: str, target: str) -> str | None:
        """The translation of `text`, or None when the provider cannot give one in time."""
        text = text[:_MAX_TEXT_CHARS]
        if not text.strip() or source == target:
            return text
        key = (source, target, text)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        if not self.available:
            return None
        started = time.monotonic()
        future = self._pool.submit(self._call, text, source, target)
        try:
            result = future.result(timeout=self.settings.timeout)
        except concurrent.futures.TimeoutError:
            logger.warning("Translation %s->%s timed out after %.1fs.", source, target,
                           time.monotonic() - started)
            result = None
        except Exception as error:  # any provider failure means "no translation"
            logger.warning("Translation %s->%s failed: %s", source, target, error)
            result = None
        if not isinstance(result, str) or not result.strip():
            self.breaker.record(success=False)
            return None
        self.breaker.record(success=True)
        with self._cache_lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def _call(self, text: str, source: str, target: str) -> str:
        return self._factory(source, target).translate(text)

    def _deep_translator(self, source: str, target: str) -> Any:
        from deep_translator import (
            DeeplTranslator,
            GoogleTranslator,
            LibreTranslator,
            MicrosoftTranslator,
            MyMemoryTranslator,
        )

        settings = self.settings
        if settings.provider == "libre":
            url = settings.url or ""
            return LibreTranslator(
                source=source,
                target=target,
                # deep-translator insists on a key; self-hosted servers ignore a dummy one.
                api_key=settings.api_key or "self-hosted",
                custom_url=url if url.endswith("/") else url + "/",
            )
        providers: dict[str, Callable[..., Any]] = {
            "google": GoogleTranslator,
            "mymemory": MyMemoryTranslator,
            "deepl": DeeplTranslator,
            "microsoft": MicrosoftTranslator,
        }
        if settings.provider not in providers:
            raise ValueError(f"unknown TRANSLATION_PROVIDER {settings.provider!r}")
        extra = {"api_key": settings.api_key} if settings.provider in ("deepl", "microsoft") else {}
        return providers[settings.provider](source=source, target=target, **extra)
