"""Signature checks, locale extraction and SMS formatting of the messaging channels."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels import common, facebook, telegram, twilio
from bot.channels.common import with_locale
from bot.culture.catalog import ResponseCatalog
from bot.culture.profiles import CultureProfiles
from bot.nlg import ReplyRenderer

YES_NO = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
RATING = [{"title": str(n), "payload": f'/affirm{{"csat_score": "{n}"}}'} for n in range(1, 6)]


def test_the_telegram_secret_is_derived_from_but_not_equal_to_the_token() -> None:
    token = "7000000001:AAHkestrel-test-token_0123456789"
    secret = telegram.webhook_secret(token)
    assert secret == telegram.webhook_secret(token)
    assert secret != telegram.webhook_secret("7000000002:other")
    assert token not in secret and re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)
    assert telegram.webhook_secret(token, "chosen-secret") == "chosen-secret"


@pytest.mark.parametrize(
    "header, matches", [("s3cret", True), ("s3cre", False), ("", False), (None, False),
                        ("sécret", False)],
)
def test_telegram_secret_comparison(header: str | None, matches: bool) -> None:
    assert telegram.secret_matches("s3cret", header) is matches


def test_telegram_locale_comes_from_whoever_acted() -> None:
    message = {"message": {"from": {"id": 1, "language_code": "pt-br"}, "chat": {"id": 1}}}
    press = {"callback_query": {"from": {"id": 1, "language_code": "ja"}, "data": "/affirm"}}
    assert telegram.user_locale(message) == "pt-br"
    assert telegram.user_locale(press) == "ja"
    assert telegram.user_locale({"message": {"from": {"id": 1}}}) is None
    assert telegram.user_locale({"message": "text"}) is None


@pytest.mark.parametrize(
    "update, handled",
    [
        ({"message": {"chat": {"id": 1}, "text": "hi"}}, True),
        ({"message": {"chat": {"id": 1}, "location": {"latitude": 1, "longitude": 2}}}, True),
        ({"edited_message": {"chat": {"id": 1}, "text": "hi"}}, True),
        ({"callback_query": {"data": "/deny", "message": {"chat": {"id": 1}}}}, True),
        ({"message": {"chat": {"id": 1}, "sticker": {}}}, False),
        ({"message": {"text": "no chat"}}, False),
        ({"callback_query": {"data": "/deny"}}, False),
        ({"my_chat_member": {}}, False),
    ],
)
def test_telegram_updates_the_stock_handler_understands(update: dict, handled: bool) -> None:
    assert telegram.is_handled_update(update) is handled


def test_facebook_accepts_only_the_sha256_signature_of_the_exact_body() -> None:
    body = b'{"object":"page","entry":[]}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert facebook.valid_signature("app-secret", body, good)
    assert not facebook.valid_signature("app-secret", body + b" ", good)
    assert not facebook.valid_signature("other-secret", body, good)
    assert not facebook.valid_signature("app-secret", body, sha1)
    assert not facebook.valid_signature("app-secret", body, None)
    assert not facebook.valid_signature("app-secret", body, good.upper())


def test_facebook_events_keep_messaging_entries_and_refuse_odd_shapes() -> None:
    message = {"sender": {"id": "1"}, "message": {"text": "hi"}}
    feed = {"id": "page", "changes": [{"field": "feed"}]}
    kept = facebook.messaging_events({"object": "page", "entry": [feed, {"messaging": [message]}]})
    assert kept == {"object": "page", "entry": [{"messaging": [message]}]}
    assert facebook.messaging_events({"object": "instagram", "entry": []}) is None
    assert facebook.messaging_events({"object": "page", "entry": [{"messaging": [{"x": 1}]}]}) is None
    assert facebook.messaging_events(
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "message": "hi"}]}]}
    ) is None


def test_sms_lists_options_as_numbered_lines() -> None:
    assert twilio.numbered_options("Hat das geholfen?", YES_NO) == "Hat das geholfen?\n1. Ja\n2. Nein"


def test_sms_does_not_list_options_that_are_just_their_numbers() -> None:
    assert twilio.numbered_options("Von 1 bis 5?", RATING) == "Von 1 bis 5?"


@pytest.mark.parametrize(
    "answer, payload",
    [("1", "/affirm"), (" 2 ", "/deny"), ("2.", "/deny"), ("٢", "/deny"), ("２", "/deny"),
     ("3", None), ("0", None), ("ja", None), ("", None), ("1 2", None)],
)
def test_a_numbered_answer_picks_that_option(answer: str, payload: str | None) -> None:
    assert common.chosen_payload(answer, YES_NO) == payload


def test_the_options_are_those_sent_since_the_customer_last_wrote() -> None:
    earlier = [UserUttered("Wie lange?"), BotUttered("Hat das geholfen?", {"buttons": YES_NO}),
               ActionExecuted("action_listen")]
    assert common.offered_buttons(earlier) == YES_NO
    rating = [*earlier, BotUttered("Bewertung?", {"buttons": RATING}), BotUttered("Danke")]
    assert common.offered_buttons(rating) == RATING
    answered = [*earlier, UserUttered("ja")]
    assert common.offered_buttons(answered) == []


def test_whatsapp_replies_use_our_whatsapp_sender() -> None:
    assert twilio.whatsapp_sender("whatsapp:+4915100000", "+14155550100") == "whatsapp:+14155550100"
    assert twilio.whatsapp_sender("whatsapp:+4915100000", "whatsapp:+1415") == "whatsapp:+1415"
    assert twilio.whatsapp_sender("+4915100000", "+14155550100") == "+14155550100"


def test_locale_goes_into_metadata_only_when_it_is_text() -> None:
    assert with_locale({"a": 1}, " de-DE ") == {"a": 1, "locale": "de-DE"}
    assert with_locale(None, None) == {}
    assert with_locale({}, 7) == {}


def test_the_sms_variant_of_a_response_is_only_for_sms(catalog: ResponseCatalog) -> None:
    general = catalog.variants("utter_ask_csat", "de", "formal")
    sms = catalog.variants("utter_ask_csat", "de", "formal", "twilio")
    assert general and sms and not any(variant.get("channel") for variant in general)
    assert all(variant["channel"] == "twilio" for variant in sms)
    assert [b["payload"] for b in sms[0]["buttons"]] == [b["payload"] for b in RATING]
    assert catalog.variants("utter_ask_csat", "de", "formal", "telegram") == general
    # A response without channel variants is the same everywhere.
    assert catalog.variants("utter_did_that_help", "ja", "informal", "twilio") == (
        catalog.variants("utter_did_that_help", "ja", "informal")
    )


@pytest.mark.parametrize("language", ["en", "de", "hi", "ja", "ar"])
def test_nlg_renders_the_variant_of_the_output_channel(
    catalog: ResponseCatalog, profiles: CultureProfiles, language: str
) -> None:
    renderer = ReplyRenderer(catalog, profiles)

    def rendered(channel: str) -> str:
        return renderer.render({
            "response": "utter_ask_csat", "arguments": {},
            "tracker": {"slots": {"language": language, "ticket_id": "4711"}, "events": []},
            "channel": {"name": channel},
        })["text"]

    sms = {v["text"].replace("{ticket_id}", "4711")
           for v in catalog.variants("utter_ask_csat", language, "formal", "twilio")}
    assert rendered("twilio") in sms
    assert rendered("slack") not in sms and "4711" in rendered("slack")
