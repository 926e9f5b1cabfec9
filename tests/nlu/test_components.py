"""The GraphComponents, built for real and run on real Messages."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_detector import LanguageDetector
from bot.nlu.multilingual_tokenizer import MultilingualTokenizer


@pytest.fixture
def model_storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage.create(tmp_path)


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), uuid.uuid4().hex)


def _example(text: str, intent: str, language: str) -> Message:
    return Message.build(text, intent, intent_metadata={"language": language})


def _training_data() -> TrainingData:
    rows = [
        ("hallo zusammen", "de"), ("wo ist mein paket", "de"), ("danke schön", "de"),
        ("bonjour à tous", "fr"), ("où est mon colis", "fr"), ("merci beaucoup", "fr"),
        ("namaste ji", "hi-Latn"), ("mera parcel kahan hai", "hi-Latn"), ("bahut shukriya", "hi-Latn"),
    ]
    return TrainingData([_example(text, "greet", language) for text, language in rows])


def _trained_detector(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> LanguageDetector:
    """A detector trained on _training_data(), persisted, and loaded back."""
    resource = Resource("language_detector")
    config = LanguageDetector.get_default_config()
    detector = LanguageDetector.create(config, model_storage, resource, execution_context)
    detector.train(_training_data())
    return LanguageDetector.load(config, model_storage, resource, execution_context)


def test_language_detector_trains_persists_and_loads(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    loaded = _trained_detector(model_storage, execution_context)
    assert loaded.identifier.char_model is not None

    [message] = loaded.process([Message(data={"text": "mera parcel kab aayega"})])
    assert message.get("language")["name"] == "hi-Latn"
    assert "language" in message.as_dict(only_output_properties=True)


def test_language_detector_uses_metadata_on_training_examples(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    detector = LanguageDetector.create(
        LanguageDetector.get_default_config(), model_storage, Resource("x"), execution_context
    )
    data = detector.process_training_data(TrainingData([_example("ok", "affirm", "ja")]))
    assert data.training_examples[0].get("language")["name"] == "ja"


def test_language_detector_reads_the_locale_from_metadata(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    detector = LanguageDetector.create(
        LanguageDetector.get_default_config(), model_storage, Resource("x"), execution_context
    )
    message = Message(data={"text": "ok", "metadata": {"locale": "it-IT"}})
    assert detector.process([message])[0].get("language")["name"] == "it"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("注文した商品はいつ届きますか", "ja", ["注文", "し", "た", "商品", "は", "いつ", "届き", "ます", "か"]),
        ("我的订单什么时候到", "zh", ["我", "的", "订单", "什么", "时候", "到"]),
        ("Wo ist meine Bestellung?", "de", ["Wo", "ist", "meine", "Bestellung", "?"]),
        ("मेरा ऑर्डर कब आएगा?", "hi", ["मेरा", "ऑर्डर", "कब", "आएगा", "?"]),
    ],
)
def test_tokenizer_segments_each_language(
    text: str, language: str, expected: list[str], execution_context: ExecutionContext,
    model_storage: LocalModelStorage,
) -> None:
    tokenizer = MultilingualTokenizer.create(
        MultilingualTokenizer.get_default_config(), model_storage, Resource("t"), execution_context
    )
    message = Message(data={"text": text, "language": {"name": language, "confidence": 1.0}})
    tokens = tokenizer.tokenize(message, "text")
    assert [token.text for token in tokens] == expected
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_tokenizer_without_language_falls_back_to_the_script(
    execution_context: ExecutionContext, model_storage: LocalModelStorage
) -> None:
    tokenizer = MultilingualTokenizer.create(
        MultilingualTokenizer.get_default_config(), model_storage, Resource("t"), execution_context
    )
    tokens = tokenizer.tokenize(Message(data={"text": "返品したいです"}), "text")
    assert len(tokens) > 2


def test_tokenizer_survives_huge_japanese_input(
    execution_context: ExecutionContext, model_storage: LocalModelStorage
) -> None:
    tokenizer = MultilingualTokenizer.create(
        MultilingualTokenizer.get_default_config(), model_storage, Resource("t"), execution_context
    )
    message = Message(data={"text": "注文" * 60_000, "language": {"name": "ja", "confidence": 1}})
    assert tokenizer.tokenize(message, "text")


def test_language_detector_keeps_the_conversation_language_for_short_messages(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> None:
    detector = _trained_detector(model_storage, execution_context)
    french = DialogueStateTracker.from_events("c", [SlotSet("language", "fr")])
    [in_context] = detector.process([Message(data={"text": "ok"})], french)
    [alone] = detector.process([Message(data={"text": "hi"})], None)
    [payload] = detector.process([Message(data={"text": "/greet"})], french)
    assert in_context.get("language")["name"] == "fr"
    assert alone.get("language")["name"] == "en"  # the shop's default, not Hinglish
    assert payload.get("language") == {"name": "fr", "confidence": 0.0, "supported": True}
