from __future__ import annotations

import pytest

from bot.workspace.pii import find_personal_data, mask


@pytest.mark.parametrize(("text", "masked"), [
    ("write to anna.berg+shop@example.co.uk please", "write to [EMAIL] please"),
    ("my card is 4111 1111 1111 1111, charged twice", "my card is [CARD], charged twice"),
    ("Karte 5500-0000-0000-0004 abgelehnt", "Karte [CARD] abgelehnt"),
    ("call me on +49 170 1234567", "call me on [PHONE]"),
    ("मेरा नंबर 98765 43210 है", "मेरा नंबर [PHONE] है"),
    ("deliver to 221B Baker Street, London", "deliver to [ADDRESS], London"),
    ("Lieferadresse Hauptstraße 5, Berlin", "Lieferadresse [ADDRESS], Berlin"),
    ("envoyez au 12 rue de la Paix", "envoyez au [ADDRESS]"),
    ("my password: hunter2", "my [SECRET]"),
])
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize("text", [
    "where is my order 482913",
    "Wo bleibt meine Bestellung 482913?",
    "订单482913到哪了",
    "I ordered 2 items three days ago",
    "wie lange dauert die erstattung",
])
def test_ordinary_text_and_order_numbers_stay(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask(text) == text


def test_several_findings_in_one_text_are_all_masked() -> None:
    text = "mail a@b.de or call +1 415 555 0100 about card 4111111111111111"
    assert mask(text) == "mail [EMAIL] or call [PHONE] about card [CARD]"
