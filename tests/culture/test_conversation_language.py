from __future__ import annotations

from bot.culture.conversation_language import conversation_language


def d(name: str, confidence: float = 0.99) -> dict[str, object]:
    return {"name": name, "confidence": confidence, "supported": True}


def test_first_message_sets_the_language() -> None:
    assert conversation_language([d("de")], None) == "de"


def test_short_ambiguous_message_keeps_the_language() -> None:
    assert conversation_language([d("hi"), d("en", 0.3)], "hi") == "hi"
    assert conversation_language([d("hi"), d("en", 0.0)], "hi") == "hi"


def test_one_confident_message_is_not_enough_to_switch() -> None:
    assert conversation_language([d("de"), d("fr")], "de") == "de"


def test_two_confident_messages_switch() -> None:
    assert conversation_language([d("de"), d("fr"), d("fr")], "de") == "fr"


def test_a_weakly_established_language_yields_to_a_confident_one() -> None:
    assert conversation_language([d("en", 0.4), d("de")], "en") == "de"


def test_early_on_only_a_clearly_surer_second_message_switches() -> None:
    assert conversation_language([d("fr", 0.25), d("en", 0.42)], "fr") == "fr"
    assert conversation_language([d("hi-Latn", 0.47), d("en", 0.62)], "hi-Latn") == "hi-Latn"
    assert conversation_language([d("hi-Latn", 0.4), d("en", 0.7)], "hi-Latn") == "en"


def test_explicit_request_wins() -> None:
    assert conversation_language([d("de")], "de", requested="fr") == "fr"


def test_unsupported_language_follows_the_same_rules() -> None:
    turkish = {"name": "tr", "confidence": 0.99, "supported": False}
    unsure = {"name": "tr", "confidence": 0.5, "supported": False}
    assert conversation_language([turkish], None) == "tr"
    assert conversation_language([d("es"), turkish], "es") == "es"
    assert conversation_language([d("es"), turkish, turkish], "es") == "tr"
    assert conversation_language([d("es"), unsure], "es") == "es"
    assert conversation_language([{"name": "und", "confidence": 0.9}], None) == "en"


def test_a_payload_without_text_takes_the_default_it_is_given() -> None:
    assert conversation_language([{}], None, default="hi") == "hi"
    assert conversation_language([{}], "de", default="hi") == "de"


def test_the_first_written_message_sets_the_language_a_payload_got_from_the_locale() -> None:
    hinglish = {"name": "hi-Latn", "confidence": 0.35}
    assert conversation_language([{}, hinglish], "hi") == "hi-Latn"
