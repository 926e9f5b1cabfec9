"""What our HTTP clients of each other's APIs share: bounded calls, one error for failures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests


class ServiceUnavailable(Exception):
    """A service (the helpdesk, Rasa) did not take a call.

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
class ServiceClient:
    """Calls one service's API with its token; every call is bounded in time."""

    base_url: str
    token: str
    timeout: float = 2.0

    def send(
        self, method: str, path: str, payload: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
    ) -> Any:
        """One API call; returns the JSON answer, raises ServiceUnavailable on failure."""
        try:
            response = requests.request(
                method, self.base_url + path, json=payload,
                params={**self._auth_params(), **(params or {})},
                headers={**self._auth_headers(), **(headers or {})},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ServiceUnavailable(f"{method} {path}: {type(error).__name__}") from error
        if not 200 <= response.status_code < 300:
            # Report the path only: a token may travel in the query string.
            raise ServiceUnavailable(
                f"{method} {path}: HTTP {response.status_code}", response.status_code
            )
        return response.json()

    def _auth_headers(self) -> dict[str, str]:
        return {}

    def _auth_params(self) -> dict[str, str]:
        return {}
