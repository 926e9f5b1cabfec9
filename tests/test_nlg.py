from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.nlg import ReplyRenderer
from bot.translation import TranslationSettings, Translator
from tests.fakes.libretranslate import FakeLibreTranslate


def _request(
    response: str, slots: dict, arguments: dict | None = None, latest: dict | None = None
) -> dict:
    return {
        "response": response,
        "arguments": arguments or {},
        "tracker": {"slots": slots, "latest_message": latest or {}, "events": []},
        "channel": {"name": "rest"},
    }


@pytest.fixture
def renderer(catalog: ResponseCatalog, profiles: CultureProfiles) -> ReplyRenderer:
    return ReplyRenderer(catalog, profiles)


@pytest.fixture
def provider() -> Iterator[FakeLibreTranslate]:
    fake = FakeLibreTranslate().start()
    yield fake
    fake.stop()


def _texts(catalog: ResponseCatalog, key: str, language: str, register: str) -> list[str]:
    return [v["text"] for v in catalog.variants(key, language, register)]


def test_renders_in_the_slot_language(renderer: ReplyRenderer, catalog: ResponseCatalog) -> None:
    body = _request("utter_faq/shipping_cost", {"language": "fr", "formality": "formal"})
    assert renderer.render(body)["text"] in _texts(catalog, "utter_faq/shipping_cost", "fr", "formal")


def test_arguments_override_slots(renderer: ReplyRenderer) -> None:
    body = _request("utter_order_status_cancelled", {"language": "en"}, {"order_id": "264590"})
    assert "264590" in renderer.render(body)["text"]


def test_falls_back_to_the_detected_language(renderer: ReplyRenderer) -> None:
    body = _request("utter_greet", {}, latest={"language": {"name": "zh", "confidence": 0.99}})
    assert "Kestrel Shop" in renderer.render(body)["text"]
    assert "您" in renderer.render(body)["text"]


def test_greets_by_title_and_surname_in_the_formal_register(renderer: ReplyRenderer) -> None:
    slots = {
        "language": "de", "formality": "formal", "timezone": "Europe/Berlin",
        "customer": {"name": "Anna Müller", "title": "Frau"},
    }
    text = renderer.render(_request("utter_greet", slots))["text"]
    assert "Frau Müller" in text and "Ihnen" in text
    assert text.startswith(("Guten Morgen", "Guten Tag", "Guten Abend"))


def test_no_emoji_while_frustrated_or_where_the_culture_avoids_them(
    profiles: CultureProfiles,
) -> None:
    text = {"formal": [{"text": "Gern geschehen! 😊"}], "informal": [{"text": "Gerne! 😊"}]}
    catalog = ResponseCatalog({"de": {"utter_x": text}, "zh": {"utter_x": text}})
    renderer = ReplyRenderer(catalog, profiles)
    calm_zh = renderer.render(_request("utter_x", {"language": "zh", "frustration": 0.0}))
    angry_zh = renderer.render(_request("utter_x", {"language": "zh", "frustration": 0.8}))
    calm_de = renderer.render(_request("utter_x", {"language": "de", "frustration": 0.0}))
    assert profiles.profile("zh").emoji and not profiles.profile("de").emoji
    assert calm_zh["text"] == "Gern geschehen! 😊"
    assert angry_zh["text"] == calm_de["text"] == "Gern geschehen!"


def test_unknown_response(renderer: ReplyRenderer) -> None:
    assert renderer.render(_request("utter_missing", {})) == {"text": None}


def test_unsupported_language_is_translated_and_marked(
    catalog: ResponseCatalog, profiles: CultureProfiles, provider: FakeLibreTranslate
) -> None:
    translator = Translator(TranslationSettings(provider="libre", url=provider.url))
    renderer = ReplyRenderer(catalog, profiles, translator)
    message = renderer.render(_request("utter_offer_human", {"language": "tr"}))
    assert message["text"].startswith("[tr] ")
    assert message["text"].endswith("([tr] machine translation)")
    assert all(b["title"].startswith("[tr] ") for b in message["buttons"])


def test_unsupported_language_without_translation_apologises_in_english(
    catalog: ResponseCatalog, profiles: CultureProfiles
) -> None:
    renderer = ReplyRenderer(catalog, profiles, Translator(TranslationSettings(url=None)))
    text = renderer.render(_request("utter_faq/shipping_cost", {"language": "tr"}))["text"]
    apology = profiles.profile("en").settings["machine_translation"]["unavailable"]
    assert text.startswith(apology)
    assert text.endswith(catalog.variants("utter_faq/shipping_cost", "en", "formal")[0]["text"])
