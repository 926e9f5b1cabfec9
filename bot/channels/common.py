"""What the messaging channels share: rejected requests, JSON body checks, chosen buttons."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Key of the credentials entry that overrides a platform's API base URL (tests, proxies).
API_URL_KEY = "api_url"


def rejected_signature(platform: str) -> HTTPResponse:
    """403 for a request whose signature is missing or wrong; nothing is processed."""
    logger.warning("Rejected a %s webhook request with a missing or invalid signature.", platform)
    return response.json({"error": f"invalid or missing {platform} signature"}, status=403)


def bad_request(reason: str) -> HTTPResponse:
    """400 with a JSON reason, for bodies the platform would never send."""
    return response.json({"error": reason}, status=400)


def json_object(request: Request) -> dict[str, Any] | None:
    """The request body as a JSON object, or None when it is not one (no exception)."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def with_locale(metadata: dict[str, Any] | None, locale: Any) -> dict[str, Any]:
    """Metadata plus the platform's user locale ("de", "de-DE", "pt_BR") when it is text.

    The language detector reads `metadata["locale"]` as a prior (bot/nlu/language_detector.py).
    """
    result = dict(metadata or {})
    if isinstance(locale, str) and locale.strip():
        result["locale"] = locale.strip()
    return result


def offered_buttons(events: Sequence[Event]) -> list[dict[str, Any]]:
    """The buttons of the latest bot message with buttons since the customer last wrote."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and (event.data or {}).get("buttons"):
            return list(event.data["buttons"])
    return []


def chosen_payload(text: str, buttons: Sequence[dict[str, Any]]) -> str | None:
    """The payload of the option a reply like "2" (or "2.", "٢", "２") picks, else None."""
    answer = text.strip().rstrip(".)")
    if not answer.isdecimal():
        return None
    number = int(answer)
    if 1 <= number <= len(buttons):
        payload = buttons[number - 1].get("payload")
        return payload if isinstance(payload, str) else None
    return None
