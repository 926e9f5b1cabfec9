"""Content checks: every text in every language and register, enough varied examples."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from bot.config import load_settings
from bot.culture.catalog import ResponseCatalog
from bot.culture.formatting import WaitPhrases
from bot.culture.topics import TopicCatalog
from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.nlu_files import heldout_overlap, texts_in_several_intents
from tests.nlu_data import heldout_examples, training_examples

MIN_EXAMPLES = 12
FAQ_TOPICS = (
    "order_tracking shipping_time shipping_cost international_shipping return_policy "
    "refund_time damaged_item cancel_order change_address payment_methods payment_failed "
    "invoice password_reset delete_account warranty loyalty_points promo_code opening_hours "
    "subscription_cancel contact_channels"
).split()
INTENTS = (
    "greet goodbye thank affirm deny request_human order_status ticket_status "
    "bot_challenge change_language out_of_scope cancel_handoff"
).split() + [f"faq/{topic}" for topic in FAQ_TOPICS]


def test_every_response_exists_in_every_language_and_register() -> None:
    settings = load_settings()
    catalog = ResponseCatalog.load(settings.domain_path, settings.responses_dir)
    assert catalog.problems() == []


def test_the_domain_lists_an_answer_for_every_faq_topic() -> None:
    domain = yaml.safe_load(load_settings().domain_path.read_text(encoding="utf-8"))
    assert {f"utter_faq/{topic}" for topic in FAQ_TOPICS} <= set(domain["responses"])


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_training_data_covers_every_intent(language: str) -> None:
    rows = training_examples(language)
    counts = Counter(intent for intent, _, _ in rows)
    too_few = {intent: counts[intent] for intent in INTENTS if counts[intent] < MIN_EXAMPLES}
    assert too_few == {}
    assert {declared for _, _, declared in rows} == {language}


def test_no_sentence_is_in_two_intents_in_any_language() -> None:
    rows = [row for language in SUPPORTED_LANGUAGES for row in training_examples(language)]
    assert texts_in_several_intents(rows) == {}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_heldout_data_is_separate_from_training_data(language: str) -> None:
    dev = heldout_examples(language, split="dev")
    test = heldout_examples(language, split="test")
    assert {intent for intent, _, _ in dev} == set(INTENTS)
    assert {intent for intent, _, _ in test} == set(INTENTS)
    assert heldout_overlap(training_examples(language), dev + test) == []
    # Tuning on dev must not be tuning on test.
    assert heldout_overlap(dev, test) == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_culture_file_names_every_language(language: str) -> None:
    path = load_settings().culture_dir / f"{language}.yml"
    names = yaml.safe_load(path.read_text(encoding="utf-8"))["language_names"]
    assert set(SUPPORTED_LANGUAGES) <= set(names)
    assert all(names[tag] for tag in SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_chat_widget_labels_exist_in_every_language(language: str) -> None:
    culture_dir = load_settings().culture_dir
    english = yaml.safe_load((culture_dir / "en.yml").read_text(encoding="utf-8"))["widget"]
    labels = yaml.safe_load((culture_dir / f"{language}.yml").read_text(encoding="utf-8"))["widget"]
    assert set(labels) == set(english)
    assert all(isinstance(text, str) and text.strip() for text in labels.values())


def test_every_language_has_every_suggested_topic_and_wait_phrase() -> None:
    settings = load_settings()
    topics = TopicCatalog.load(settings.culture_dir, settings.data_dir / "suggestions.yml")
    assert topics.problems() == []
    assert WaitPhrases.load(settings.culture_dir).problems() == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_wait_phrases_fill_the_ticket_reply_without_gaps(language: str) -> None:
    settings = load_settings()
    catalog = ResponseCatalog.load(settings.domain_path, settings.responses_dir)
    phrases = WaitPhrases.load(settings.culture_dir)
    for minutes in (3, 14, 81, 108, 500):
        message = catalog.render("utter_ticket_created", language, "formal",
                                 {"ticket_id": "17", "wait": phrases.phrase(minutes, language)})
        assert message is not None and "{" not in message["text"]
        assert phrases.phrase(minutes, language) in message["text"]
    assert phrases.phrase(81, "en") == "about 1½ hours"
