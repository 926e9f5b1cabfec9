from __future__ import annotations

from bot.culture.catalog import ResponseCatalog, fill_placeholders


def test_renders_language_and_register(catalog: ResponseCatalog) -> None:
    formal = catalog.render("utter_did_that_help", "de", "formal", {})
    informal = catalog.render("utter_did_that_help", "de", "informal", {})
    assert formal and informal
    assert "Ihnen" in formal["text"] or "Sie" in formal["text"]
    assert "dir" in informal["text"] or "du" in informal["text"].lower().split()
    assert [b["payload"] for b in formal["buttons"]] == ["/affirm", "/deny"]


def test_fills_placeholders(catalog: ResponseCatalog) -> None:
    rendered = catalog.render("utter_order_not_found", "ja", "formal", {"order_id": "999999"})
    assert rendered and "999999" in rendered["text"]


def test_register_falls_back_and_unknown_language_falls_back_to_english(
    catalog: ResponseCatalog,
) -> None:
    arabic = catalog.render("utter_greet", "ar", "informal", {})
    assert arabic and arabic["text"] == catalog.variants("utter_greet", "ar", "formal")[0]["text"]
    assert catalog.variants("utter_greet", "tr", "formal") == catalog.variants(
        "utter_greet", "en", "formal"
    )


def test_unknown_key() -> None:
    assert ResponseCatalog().render("utter_nothing", "en", "formal", {}) is None


def test_fill_placeholders_keeps_unknown_ones() -> None:
    assert fill_placeholders("{a} and {b}", {"a": 1}) == "1 and {b}"
