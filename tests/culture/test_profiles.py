from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.culture.profiles import CultureProfiles, Customer, bot_register, local_time
from bot.languages import SUPPORTED_LANGUAGES


def _at(hour: int, zone: str) -> datetime:
    return datetime(2026, 11, 26, hour, 30, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("language", "locale", "customer", "hour", "expected"),
    [
        ("de", "de-DE", {"name": "Anna Müller", "title": "Frau"}, 8, "Guten Morgen, Frau Müller"),
        ("de", "de-DE", {"name": "Anna Müller", "title": "Mrs"}, 15, "Guten Tag, Frau Müller"),
        ("de", "de-DE", {"name": "Anna Müller"}, 20, "Guten Abend"),
        ("en", "en-US", {"name": "John Smith", "title": "mr"}, 9, "Good morning, Mr. Smith"),
        ("ja", None, {"name": "田中 太郎"}, 14, "田中様、こんにちは"),
        ("zh", None, {"name": "王 伟", "title": "Mr"}, 15, "王先生，下午好"),
        ("fr", None, {"name": "Jean Dupont", "title": "Monsieur"}, 19, "Bonsoir Monsieur Dupont"),
    ],
)
def test_salutation_by_time_of_day_and_title(
    profiles: CultureProfiles, language: str, locale: str | None, customer: dict, hour: int,
    expected: str,
) -> None:
    profile = profiles.profile(language, locale)
    moment = _at(hour, "Europe/Berlin")
    assert profile.salutation("formal", Customer.from_metadata(customer), moment) == expected


def test_never_the_bare_surname_and_no_name_when_informal(profiles: CultureProfiles) -> None:
    customer = Customer.from_metadata({"name": "Anna Müller"})
    for language in SUPPORTED_LANGUAGES:
        profile = profiles.profile(language)
        formal = profile.salutation("formal", customer, None)
        assert not formal.endswith(("Müller", "Müller!")) or "Anna Müller" in formal
        assert "Müller" not in profile.salutation("informal", customer, None)


def test_unknown_time_zone_gives_the_neutral_greeting(profiles: CultureProfiles) -> None:
    assert local_time("Mars/Olympus_Mons") is None
    assert profiles.profile("en").salutation("formal", None, None) == "Hello"


def test_locale_overrides_language_profile(profiles: CultureProfiles) -> None:
    vienna = profiles.profile("de", "de-AT").greeting("formal", _at(14, "Europe/Vienna"))
    berlin = profiles.profile("de", "de-DE").greeting("formal", _at(14, "Europe/Berlin"))
    assert vienna != berlin


def test_deployment_overrides(tmp_path: Path) -> None:
    overrides = tmp_path / "culture.yml"
    overrides.write_text("locales:\n  de-DE:\n    default_register: informal\n", encoding="utf-8")
    profiles = CultureProfiles.load(load_settings().culture_dir, overrides)
    assert profiles.profile("de", "de-DE").default_register == "informal"
    assert profiles.profile("de", "de-AT").default_register == "formal"


def test_every_language_has_a_complete_profile(profiles: CultureProfiles) -> None:
    for language in SUPPORTED_LANGUAGES:
        settings = profiles.profile(language).settings
        for key in ("default_register", "mirror_register", "emoji", "greetings", "salutation",
                    "address", "titles"):
            assert key in settings, f"{language}: profile lacks {key}"
        for register in ("formal",):
            parts = settings["greetings"][register]
            assert {"morning", "afternoon", "evening", "neutral"} <= parts.keys(), language


@pytest.mark.parametrize(
    ("mirror", "current", "detected", "protected", "expected"),
    [
        (True, "formal", {"name": "informal", "confidence": 0.9}, False, "informal"),
        (True, "formal", {"name": "informal", "confidence": 0.6}, False, "formal"),
        (True, "formal", {"name": "informal", "confidence": 0.9}, True, "formal"),
        (True, "informal", {"name": "formal", "confidence": 0.9}, True, "formal"),
        (True, None, None, False, "formal"),
        (False, "formal", {"name": "informal", "confidence": 1.0}, False, "formal"),
    ],
)
def test_bot_register(
    profiles: CultureProfiles, mirror: bool, current: str | None, detected: dict | None,
    protected: bool, expected: str,
) -> None:
    profile = profiles.profile("de")
    profile = type(profile)(profile.language, {**profile.settings, "mirror_register": mirror})
    assert bot_register(profile, current, detected, protected) == expected
