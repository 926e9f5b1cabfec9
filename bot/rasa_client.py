"""Calls Rasa's HTTP API from outside Rasa (the outbox worker's deferred intents)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.service_client import ServiceClient


@dataclass(frozen=True)
class RasaClient(ServiceClient):
    """Calls Rasa's API with the token; bot replies go to the customer's latest channel."""

    timeout: float = 30.0

    @classmethod
    def from_environment(cls) -> RasaClient:
        """RASA_URL (default http://127.0.0.1:5005) and RASA_API_TOKEN."""
        return cls(
            os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            os.environ.get("RASA_API_TOKEN", ""),
        )

    def _auth_params(self) -> dict[str, str]:
        return {"output_channel": "latest", "token": self.token}
