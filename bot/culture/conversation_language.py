"""Decides the conversation's language from the detections of each customer message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

# A detection at least this confident counts as evidence for switching languages.
CONFIDENT = 0.8
# Early in a conversation a second message overrules the first when it is this much surer
# (a smaller margin let keyboard mash or one English line take over a conversation whose
# first message was Hinglish or French).
_EARLY_MARGIN = 0.2


def conversation_language(
    detections: Sequence[Mapping[str, Any]],
    current: str | None,
    requested: str | None = None,
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The language to continue the conversation in.

    Short or ambiguous messages ("ok", "12345", an emoji) keep the current language. The
    language changes when the customer asks for another one, when it was never
    established by a confident message, when the second message of a conversation is
    clearly surer than the first, or when two confident messages in a row agree.

    Args:
        detections: the parse results' `language` of the customer's messages, oldest first.
        current: the conversation's language so far, if any.
        requested: a language the customer explicitly asked for.
        default: the language when nothing says one yet (a button payload such as
            "/greet" carries no text to detect; the channel's locale then decides).

    Returns:
        A supported language tag, or the ISO code of an unsupported language that was
        detected confidently (the reply is then machine-translated).
    """
    if requested in SUPPORTED_LANGUAGES:
        return requested  # type: ignore[return-value]
    # A payload ("/greet") carries no text: the language it got (the locale's) holds only
    # until the customer writes, and their first words set it as a first message does.
    detections = [d for d in detections if d.get("name")]
    if len(detections) == 1 and _is_language(detections[0]):
        return str(detections[0]["name"])
    if not detections:
        return current or default
    latest = detections[-1]
    name = latest.get("name")
    if not _is_language(latest):
        return current or default
    if current is None or name == current:
        return name
    if len(detections) == 2 and detections[0].get("name") == current:
        # Only one message set the language so far: the surer of the two wins.
        first = _confidence(detections[0])
        return name if _confidence(latest) > first + _EARLY_MARGIN else current
    if _confidence(latest) < CONFIDENT:
        return current
    established = any(
        d.get("name") == current and _confidence(d) >= CONFIDENT for d in detections[:-1]
    )
    if not established:
        return name
    previous = detections[-2] if len(detections) >= 2 else {}
    if previous.get("name") == name and _confidence(previous) >= CONFIDENT:
        return name
    return current


def _is_language(detection: Mapping[str, Any]) -> bool:
    """Supported tags always count; an unsupported code only when detected confidently."""
    name = detection.get("name")
    if name in SUPPORTED_LANGUAGES:
        return True
    return (
        isinstance(name, str)
        and 2 <= len(name) <= 3
        and name.isalpha()
        and name != "und"
        and _confidence(detection) >= CONFIDENT
    )


def _confidence(detection: Mapping[str, Any]) -> float:
    try:
        return float(detection.get("confidence") or 0.0)
    except (TypeError, ValueError):
        return 0.0
