"""customData of the website widget becomes message metadata (bot/channels/socketio.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.socketio import metadata_from


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"locale": "de-AT"}, {"locale": "de-AT"}),
        ('{"locale": "fr-CA"}', {"locale": "fr-CA"}),
        ("[1, 2]", {}),
        ("{broken", {}),
        ('{"a": "' + "x" * 20_000 + '"}', {}),
        (None, {}),
        (17, {}),
    ],
)
def test_metadata_from_custom_data(value: Any, expected: dict[str, Any]) -> None:
    assert metadata_from(value) == expected
