"""Twilio SMS and WhatsApp: signed form posts in, Messages API calls recorded."""

from __future__ import annotations

import random

import pytest
import requests

from bot.culture.catalog import ResponseCatalog
from bot.topology import AssistantStack
from tests.integration.channels.conftest import (
    RASA_TOKEN,
    TWILIO_ACCOUNT_SID,
    TWILIO_NUMBER,
    reply_pattern,
    twilio_signature,
    user_metadata,
    webhook,
)
from tests.integration.channels.platform_api import PlatformAPI, RecordedCall

pytestmark = pytest.mark.integration


def new_number(prefix: str = "") -> str:
    return f"{prefix}+4915{random.randrange(10**8, 10**9)}"


def inbound(sender: str, text: str) -> dict[str, str]:
    """The fields Twilio posts for an incoming SMS or WhatsApp message."""
    sid = f"SM{random.randrange(16**32):032x}"
    to = ("whatsapp:" if sender.startswith("whatsapp:") else "") + TWILIO_NUMBER
    return {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": text, "FromCountry": "DE", "To": to, "ToZip": "",
        "NumSegments": "1", "MessageSid": sid, "AccountSid": TWILIO_ACCOUNT_SID,
        "From": sender, "ApiVersion": "2010-04-01",
    }


def post(stack: AssistantStack, fields: dict[str, str], signature: str | None) -> requests.Response:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return requests.post(webhook(stack, "twilio"), data=fields, headers=headers, timeout=60)


def say(stack: AssistantStack, sender: str, text: str) -> requests.Response:
    fields = inbound(sender, text)
    return post(stack, fields, twilio_signature(fields))


def texts_to(platform_api: PlatformAPI, recipient: str) -> list[RecordedCall]:
    return platform_api.recorded(
        lambda call: call.api_method == "Messages.json" and call.body.get("To") == recipient
    )


def test_sms_in_german_gets_german_answer_with_numbered_options(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    sender = new_number()
    answer = say(stack, sender, "Wie lange dauert der Versand?")
    assert answer.status_code == 204

    sent = texts_to(platform_api, sender)
    assert len(sent) == 2
    assert sent[0].path == f"/twilio/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    assert sent[0].body["From"] == TWILIO_NUMBER
    assert reply_pattern(catalog, "utter_faq/shipping_time", "de").match(sent[0].body["Body"])
    question, *options = sent[1].body["Body"].split("\n")
    assert reply_pattern(catalog, "utter_did_that_help", "de").match(question)
    titles = [b["title"] for b in catalog.variants("utter_did_that_help", "de", "formal")[0]["buttons"]]
    assert options == [f"1. {titles[0]}", f"2. {titles[1]}"]

    # "2" picks the second option: the "no" to "did that help?".
    assert say(stack, sender, "2").status_code == 204
    after = texts_to(platform_api, sender)[2:]
    assert after and reply_pattern(catalog, "utter_faq_not_helpful", "de").match(after[0].body["Body"])
    assert "locale" not in user_metadata(stack, sender)[-1]


def test_whatsapp_replies_come_from_our_whatsapp_number(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    sender = new_number("whatsapp:")
    assert say(stack, sender, "Wie lange dauert der Versand?").status_code == 204
    sent = texts_to(platform_api, sender)
    assert sent and {call.body["From"] for call in sent} == {f"whatsapp:{TWILIO_NUMBER}"}
    assert reply_pattern(catalog, "utter_faq/shipping_time", "de").match(sent[0].body["Body"])


def test_the_rating_question_has_its_sms_variant_and_a_number_answers_it(
    stack: AssistantStack, platform_api: PlatformAPI, catalog: ResponseCatalog
) -> None:
    sender = new_number()
    assert say(stack, sender, "Guten Tag, ich habe eine Frage").status_code == 204
    # As the helpdesk does after resolving a ticket: ask for a rating on the customer's channel.
    asked = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/execute",
        params={"token": RASA_TOKEN, "output_channel": "twilio"},
        json={"name": "utter_ask_csat"}, timeout=30,
    )
    assert asked.status_code == 200, asked.text
    rating_question = texts_to(platform_api, sender)[-1].body["Body"]
    assert reply_pattern(catalog, "utter_ask_csat", "de", channel="twilio").match(rating_question)
    assert not reply_pattern(catalog, "utter_ask_csat", "de").match(rating_question)
    assert "\n1. 1" not in rating_question

    # "4" answers the rating question: it becomes the fourth button's payload.
    assert say(stack, sender, "4").status_code == 204
    events = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": RASA_TOKEN}, timeout=10
    ).json()["events"]
    rating = [event for event in events if event["event"] == "user"][-1]
    assert rating["text"] == '/affirm{"csat_score": "4"}'
    assert rating["parse_data"]["intent"]["name"] == "affirm"
    assert [(e["entity"], e["value"]) for e in rating["parse_data"]["entities"]] == [("csat_score", "4")]


@pytest.mark.parametrize("forgery", ["missing", "wrong token", "field changed", "other url"])
def test_a_request_without_a_valid_signature_is_rejected(
    stack: AssistantStack, platform_api: PlatformAPI, forgery: str
) -> None:
    from twilio.request_validator import RequestValidator

    sender = new_number()
    fields = inbound(sender, "Wie lange dauert der Versand?")
    signature = {
        "missing": None,
        "wrong token": twilio_signature(fields, token="not-the-auth-token"),
        "field changed": twilio_signature({**fields, "Body": "Hallo"}),
        "other url": RequestValidator("twilio-auth-token-for-tests").compute_signature(
            "https://attacker.example.test/webhooks/twilio/webhook", fields
        ),
    }[forgery]
    answer = post(stack, fields, signature)
    assert answer.status_code == 403
    assert texts_to(platform_api, sender) == []
    assert user_metadata(stack, sender) == []


def test_a_signed_post_without_sender_or_body_gets_400(stack: AssistantStack) -> None:
    fields = {"AccountSid": TWILIO_ACCOUNT_SID, "SmsStatus": "received"}
    assert post(stack, fields, twilio_signature(fields)).status_code == 400
