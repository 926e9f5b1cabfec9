"""Rasa's NLG endpoint: renders each bot response in the conversation's language and register."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.culture.catalog import DEFAULT_REGISTER, ResponseCatalog
from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)

# Keys of Rasa's NLG response format (rasa/core/nlg/callback.py).
_MESSAGE_KEYS = ("text", "buttons", "image", "elements", "attachments", "custom")


def render_nlg_request(catalog: ResponseCatalog, body: Mapping[str, Any]) -> dict[str, Any]:
    """Answers one NLG request from Rasa.

    Args:
        catalog: all reply texts.
        body: Rasa's request: {"response", "arguments", "tracker", "channel"}.

    Returns:
        A message in Rasa's NLG response format; {"text": None} for an unknown response.
    """
    response = str(body.get("response") or "")
    arguments = body.get("arguments") or {}
    tracker = body.get("tracker") or {}
    slots = tracker.get("slots") or {}
    values = {**slots, **arguments}
    language = reply_language(values, tracker)
    register = values.get("formality") or DEFAULT_REGISTER
    rendered = catalog.render(response, language, register, values)
    if rendered is None:
        logger.error("No text for response %r in any language.", response)
        return {"text": None}
    return {key: rendered[key] for key in _MESSAGE_KEYS if rendered.get(key) is not None}


def reply_language(values: Mapping[str, Any], tracker: Mapping[str, Any]) -> str:
    """The language to reply in: explicit argument or slot, else the last detection."""
    language = values.get("language")
    if language in SUPPORTED_LANGUAGES:
        return language
    detected = ((tracker.get("latest_message") or {}).get("language") or {}).get("name")
    return detected if detected in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
