"""What the messaging channels share: answers to rejected requests and JSON body checks."""

from __future__ import annotations

import json
import logging
from typing import Any

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
