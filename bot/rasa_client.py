"""Calls Rasa's HTTP API from outside Rasa (the outbox worker's deferred intents)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from bot.helpdesk.client import HelpdeskUnavailable

DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class RasaClient:
    """POSTs to Rasa's API with the token; bot replies go to the customer's latest channel."""

    base_url: str
    token: str
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_environment(cls) -> RasaClient:
        """RASA_URL (default http://127.0.0.1:5005) and RASA_API_TOKEN."""
        return cls(
            os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            os.environ.get("RASA_API_TOKEN", ""),
        )

    def send(self, method: str, path: str, payload: Mapping[str, Any] | None,
             headers: Mapping[str, str] | None = None) -> Any:
        """One API call, e.g. POST /conversations/<id>/trigger_intent; raises on failure."""
        params = {"output_channel": "latest", "token": self.token}
        try:
            response = requests.request(
                method, self.base_url + path, json=payload, params=params,
                headers=dict(headers or {}), timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise HelpdeskUnavailable(f"Rasa: {type(error).__name__}") from error
        if not 200 <= response.status_code < 300:
            # The URL carries the token: report the path and status only.
            raise HelpdeskUnavailable(f"Rasa {method} {path}: HTTP {response.status_code}",
                                      response.status_code)
        return response.json()
