"""The action server's client for the helpdesk's ticket API (bot/helpdesk/service.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

DEFAULT_TIMEOUT_SECONDS = 2.0


class HelpdeskUnavailable(Exception):
    """The helpdesk (or another service the outbox delivers to) did not take a call.

    Attributes:
        status: the HTTP status when the service answered with an error, else None.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        """Whether retrying cannot help: the service refused this very request (4xx)."""
        return self.status is not None and 400 <= self.status < 500 and self.status not in (
            408, 425, 429
        )


@dataclass(frozen=True)
class HelpdeskClient:
    """Calls the ticket API with the Bearer token; every call is bounded in time."""

    base_url: str
    token: str
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_environment(cls) -> HelpdeskClient:
        """HELPDESK_URL (default http://127.0.0.1:8000) and HELPDESK_API_TOKEN."""
        return cls(
            os.environ.get("HELPDESK_URL", "http://127.0.0.1:8000").rstrip("/"),
            os.environ.get("HELPDESK_API_TOKEN", ""),
        )

    def create_ticket(self, payload: Mapping[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Creates the ticket, or returns the one created earlier with the same key."""
        return self._call("POST", "/api/tickets", payload, {"Idempotency-Key": idempotency_key})

    def tickets(self, **filters: str) -> list[dict[str, Any]]:
        """Tickets matching filters such as conversation_id=..., status=..."""
        return self._call("GET", "/api/tickets", params=filters)

    def add_message(self, ticket_id: int, role: str, text: str) -> dict[str, Any]:
        """Appends a customer or bot message to a ticket's transcript."""
        path = f"/api/tickets/{ticket_id}/messages"
        return self._call("POST", path, {"role": role, "text": text})

    def send(self, method: str, path: str, payload: Mapping[str, Any] | None,
             headers: Mapping[str, str] | None = None) -> Any:
        """Any API call (used to replay the outbox)."""
        return self._call(method, path, payload, headers)

    def _call(
        self, method: str, path: str, payload: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            response = requests.request(
                method, self.base_url + path, json=payload, params=params,
                headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise HelpdeskUnavailable(str(error)) from error
        if not 200 <= response.status_code < 300:
            raise HelpdeskUnavailable(
                f"{method} {path}: HTTP {response.status_code}", response.status_code
            )
        return response.json()
