from __future__ import annotations

from bot.culture.catalog import ResponseCatalog
from bot.nlg import render_nlg_request


def _request(response: str, slots: dict, arguments: dict | None = None) -> dict:
    return {
        "response": response,
        "arguments": arguments or {},
        "tracker": {"slots": slots, "latest_message": {}},
        "channel": {"name": "rest"},
    }


def test_renders_in_the_slot_language(catalog: ResponseCatalog) -> None:
    body = _request("utter_faq/shipping_cost", {"language": "fr", "formality": "formal"})
    assert render_nlg_request(catalog, body)["text"] in [
        v["text"] for v in catalog.variants("utter_faq/shipping_cost", "fr", "formal")
    ]


def test_arguments_override_slots(catalog: ResponseCatalog) -> None:
    body = _request("utter_order_status_cancelled", {"language": "en"}, {"order_id": "264590"})
    assert "264590" in render_nlg_request(catalog, body)["text"]


def test_falls_back_to_the_detected_language(catalog: ResponseCatalog) -> None:
    body = _request("utter_greet", {})
    body["tracker"]["latest_message"] = {"language": {"name": "zh", "confidence": 0.99}}
    texts = [v["text"] for v in catalog.variants("utter_greet", "zh", "formal")]
    assert render_nlg_request(catalog, body)["text"] in texts


def test_unknown_response(catalog: ResponseCatalog) -> None:
    assert render_nlg_request(catalog, _request("utter_missing", {})) == {"text": None}
