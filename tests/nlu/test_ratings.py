from __future__ import annotations

import pytest

from bot.nlu.ratings import rating_value


@pytest.mark.parametrize("text, value", [
    ("4", 4), ("٢", 2), ("२", 2), ("二", 2), ("４", 4), ("दो", 2), ("zwei", 2), ("deux", 2),
    ("cinco", 5), ("paanch", 5), ("خمسة", 5), ("4/5", 4), ("3 von 5", 3), ("five stars", 5),
    ("★★★★", 4), ("⭐⭐⭐", 3), ("5星", 5), ("三颗星", 3), ("ich gebe eine 4", 4), ("5/5 👍", 5),
])
def test_a_typed_rating_is_read_in_every_script(text: str, value: int) -> None:
    assert rating_value(text) == value


@pytest.mark.parametrize("text", [
    "ok", "", "482913", "10", "0", "一般", "等一下", "一般般吧", "★★★★★★",
    "thanks, that was all " * 3,
])
def test_no_rating_where_there_is_none(text: str) -> None:
    assert rating_value(text) is None


@pytest.mark.parametrize("text, value", [("１です", 1), ("4で", 4), ("5です！", 5), ("四です", 4),
                                          ("nota 4!", 4), ("٤ من ٥", 4),
                                          ("五星好评", 5), ("四分吧", 4)])
def test_a_rating_with_words_around_it(text: str, value: int) -> None:
    assert rating_value(text) == value
