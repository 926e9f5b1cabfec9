from __future__ import annotations

from datetime import date

from bot.culture.formatting import long_date

DAY = date(2027, 1, 15)


def test_dates_follow_language_then_country() -> None:
    assert long_date(DAY, "de") == "15. Januar 2027"
    assert long_date(DAY, "de", "de-AT") == "15. Jänner 2027"
    assert long_date(DAY, "en", "en-US") == "January 15, 2027"
    assert long_date(DAY, "en") == "15 January 2027"
    assert long_date(DAY, "ja") == "2027年1月15日"


def test_a_locale_of_another_language_or_nonsense_is_ignored() -> None:
    assert long_date(DAY, "de", "fr-FR") == long_date(DAY, "de")
    assert long_date(DAY, "de", "de-XX-<script>") == long_date(DAY, "de")
