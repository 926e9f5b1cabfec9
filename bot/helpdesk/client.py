"""The action server's client for the helpdesk's ticket API (bot/helpdesk/service.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.service_client import ServiceClient

DEFAULT_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class HelpdeskClient(ServiceClient):
    """Calls the ticket API with the Bearer token; every call is bounded in time."""

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
        return self.send("POST", "/api/tickets", payload, {"Idempotency-Key": idempotency_key})

    def tickets(self, **filters: str) -> list[dict[str, Any]]:
        """Tickets matching filters such as conversation_id=..., status=..."""
        return self.send("GET", "/api/tickets", params=filters)

    def add_message(self, ticket_id: int, role: str, text: str) -> dict[str, Any]:
        """Appends a customer or bot message to a ticket's transcript."""
        path = f"/api/tickets/{ticket_id}/messages"
        return self.send("POST", path, {"role": role, "text": text})

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}
