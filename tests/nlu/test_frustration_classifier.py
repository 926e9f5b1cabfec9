"""The supervised frustration classifier, its training data and the Rasa component."""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse

from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.frustration_classifier import (
    DATASETS_ENV,
    UMSAB_LANGUAGES,
    ClassifierConfig,
    Corpus,
    FrustrationClassifier,
    _block_scores,
    _tfidf,
    _word_ngrams,
    datasets_root,
    examples_dir,
    fingerprint,
    hindi_tag,
    nlu_calm_corpus,
    prepare,
    read_examples,
    sample_weights,
    train_default,
    training_corpus,
)
from bot.nlu.frustration_detector import FRUSTRATION, FrustrationDetector
from bot.nlu.frustration_scorer import CLASSIFIER_SIGNAL
from bot.nlu.language_detector import LANGUAGE
from bot.workspace.nlu_files import comparable_text
from tests.nlu_data import heldout_examples

MAX_MODEL_BYTES = 15_000_000


@pytest.fixture(scope="module")
def examples() -> Corpus:
    return read_examples(examples_dir())


@pytest.fixture(scope="module")
def small_classifier() -> FrustrationClassifier:
    """Trained on our examples alone: seconds, enough to test the mechanics."""
    return FrustrationClassifier.train(read_examples(examples_dir()))


def _fake_datasets(root: Path) -> Path:
    """A few lines in the shape of GoEmotions and UMSAB (train, plus test files never read)."""
    emotions = ["admiration", "anger", "annoyance", "disapproval", "disappointment", "neutral"]
    go = root / "goemotions"
    go.mkdir(parents=True)
    (go / "emotions.txt").write_text("\n".join(emotions) + "\n", encoding="utf-8")
    (go / "train.tsv").write_text(
        "this is infuriating\t1\ta1\nlovely, thank you\t0\ta2\n\"meh\"\" fine\"\t5\ta3\n"
        "so annoying honestly\t2,5\ta4\n", encoding="utf-8")
    (go / "test.tsv").write_text("TEST-ONLY sentence\t1\tt1\n", encoding="utf-8")
    for lang, folder in UMSAB_LANGUAGES.items():
        path = root / "xlmt_umsab_sentiment" / folder
        path.mkdir(parents=True)
        texts = [f"{lang} awful day", f"{lang} fine day", f"{lang} great day"]
        if lang == "hi":
            texts = ["yaar bahut bura din", "आज का दिन अच्छा है", "mast din"]
        (path / "train_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        (path / "train_labels.txt").write_text("0\n1\n2\n", encoding="utf-8")
        (path / "test_text.txt").write_text("TEST-ONLY tweet\n", encoding="utf-8")
        (path / "test_labels.txt").write_text("0\n", encoding="utf-8")
    return root


# ---------------------------------------------------------------------------- our examples


def test_examples_cover_every_language_and_both_classes(examples: Corpus) -> None:
    for language in SUPPORTED_LANGUAGES:
        labels = [lab for lab, lang in zip(examples.labels, examples.languages, strict=True)
                  if lang == language]
        assert sum(labels) >= 40, language
        assert len(labels) - sum(labels) >= 60, language
    assert set(examples.languages) == set(SUPPORTED_LANGUAGES)


def test_examples_are_our_own_not_held_out_messages(examples: Corpus) -> None:
    """Never a held-out message (either split), nor a near copy of one, nor a duplicate."""
    held = {comparable_text(t) for lang in SUPPORTED_LANGUAGES
            for _, t, _ in heldout_examples(lang)}
    ours = [comparable_text(t) for t in examples.texts]
    assert not held & set(ours)
    assert len(set(ours)) == len(ours)

    def grams(text: str) -> set[str]:
        return {text[i:i + 4] for i in range(len(text) - 3)}

    held_grams = [grams(h) for h in held]
    for text in ours:
        mine = grams(text)
        for other in held_grams:
            if mine and other:
                assert len(mine & other) / len(mine | other) < 0.6, text


def test_examples_are_not_copied_from_the_public_data_sets(examples: Corpus) -> None:
    root = datasets_root()
    if not (root / "goemotions" / "train.tsv").is_file():
        pytest.skip("public data sets not available")
    corpus, _ = training_corpus(examples_dir(), root)
    public = {comparable_text(t) for t, s in zip(corpus.texts, corpus.sources, strict=True)
              if s != "examples"}
    assert not public & {comparable_text(t) for t in examples.texts}


def test_example_files_are_plain_lists() -> None:
    for path in sorted(examples_dir().glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert content["language"] == path.stem
        assert all(isinstance(t, str) and t.strip() for t in content["frustrated"])
        assert all(isinstance(t, str) and t.strip() for t in content["calm"])


# ---------------------------------------------------------------------------- features


def test_prepare_normalises_what_features_see() -> None:
    assert prepare("ﻃﻔﻞ") == "طفل"  # Arabic presentation forms (common in tweets)
    assert prepare("@someone look https://x.io/a NOW") == " @user  look   now"
    assert prepare("order 482913") == "order 000"  # digits as 0, runs cut to three
    assert prepare("sooooo baaaad!!!!!!") == "sooo baaad!!!"


def test_negation_marks_the_next_words() -> None:
    assert "~bad" in _word_ngrams("not bad, thanks", "en", 1, 1, False)
    assert "bad" not in _word_ngrams("not bad, thanks", "en", 1, 1, False)
    grams = _word_ngrams("it doesn't work. terrible", "en", 1, 1, False)
    assert "~work" in grams and "terrible" in grams
    assert "~mal" in _word_ngrams("pas mal", "fr", 1, 1, False)
    assert "~schlecht" in _word_ngrams("nicht schlecht", "de", 1, 1, False)
    assert "de|~schlecht" in _word_ngrams("nicht schlecht", "de", 1, 1, True)


def test_devanagari_words_stay_whole() -> None:
    assert "नहीं" in _word_ngrams("बिल्कुल नहीं", "hi", 1, 1, False)


def test_hindi_tweets_are_tagged_by_script() -> None:
    assert hindi_tag("@user yaar kya bakwas hai http://t.co/x") == "hi-Latn"
    assert hindi_tag("यह बहुत बुरा है") == "hi"
    assert hindi_tag("") == "hi"


# ---------------------------------------------------------------------------- training data


def test_sample_weights_balance_domains_and_classes() -> None:
    corpus = Corpus()
    for i in range(6):
        corpus.add(f"tweet {i}", i < 2, "de", "umsab")
    for i in range(10):
        corpus.add(f"comment {i}", i < 2, "en", "goemotions")
    for i in range(4):
        corpus.add(f"ours {i}", i < 2, "fr", "examples")
    for i in range(4):
        corpus.add(f"question {i}", False, "fr", "nlu")
    config = ClassifierConfig(goemotions_weight=0.5, support_weight=2.0)
    weights = sample_weights(corpus, config)
    assert weights.mean() == pytest.approx(1.0)

    def total(source: set[str], label: bool | None = None) -> float:
        return float(sum(w for w, s, lab in zip(weights, corpus.sources, corpus.labels,
                                                strict=True)
                         if s in source and (label is None or lab == label)))

    tweets = total({"umsab"})
    assert total({"goemotions"}) == pytest.approx(0.5 * tweets)
    assert total({"examples", "nlu"}) == pytest.approx(2.0 * tweets)
    for domain in ({"umsab"}, {"goemotions"}, {"examples", "nlu"}):
        assert total(domain, True) == pytest.approx(total(domain, False))


def test_training_corpus_reads_only_training_splits(tmp_path: Path) -> None:
    root = _fake_datasets(tmp_path / "datasets")
    corpus, missing = training_corpus(examples_dir(), root)
    assert missing == []
    summary = corpus.summary()
    assert summary["goemotions"] == {"n": 4, "frustrated": 2}
    assert summary["umsab"] == {"n": 24, "frustrated": 8}
    assert not [t for t in corpus.texts if "TEST-ONLY" in t]
    tags = {t: lang for t, lang in zip(corpus.texts, corpus.languages, strict=True)}
    assert tags["yaar bahut bura din"] == "hi-Latn"
    assert tags["आज का दिन अच्छा है"] == "hi"


def test_nlu_calm_corpus_skips_complaints_and_venting() -> None:
    rows = [
        ("faq/shipping_cost", "how much is shipping", "en"),
        ("request_human", "get me a person", "en"),
        ("ticket_status", "any news on my ticket", "en"),
        ("faq/promo_code", "this is ridiculous, the code fails", "en"),
        ("greet", "hallo", None),
    ]
    corpus = nlu_calm_corpus(rows, lambda text, lang: "ridiculous" in text)
    assert corpus.texts == ["how much is shipping"]
    assert corpus.labels == [False] and corpus.sources == ["nlu"]


def test_without_public_data_it_trains_on_our_examples_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        classifier, missing = train_default(datasets=tmp_path / "nowhere")
    assert len(missing) == 1 + len(UMSAB_LANGUAGES)
    assert "in-repo examples alone" in caplog.text
    assert set(classifier.info["trained_on"]) == {"examples"}


def test_fingerprint_follows_the_examples(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(examples_dir(), folder)
    before = fingerprint(folder, tmp_path / "nowhere")
    assert fingerprint(folder, tmp_path / "nowhere") == before
    path = folder / "en.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - 'one more calm question'\n",
                    encoding="utf-8")
    assert fingerprint(folder, tmp_path / "nowhere") != before


# ---------------------------------------------------------------------------- the model


def test_probabilities_separate_our_own_examples(small_classifier: FrustrationClassifier) -> None:
    angry = small_classifier.probability("This is a joke, third time I write and nobody answers!",
                                         "en")
    calm = small_classifier.probability("How long does delivery to Spain take?", "en")
    assert 0.0 <= calm < 0.5 < angry <= 1.0
    assert small_classifier.probabilities([], []).shape == (0,)


def test_save_and_load_round_trip_without_pickle(
    small_classifier: FrustrationClassifier, tmp_path: Path
) -> None:
    small_classifier.save(tmp_path)
    assert FrustrationClassifier.saved_size(tmp_path) < MAX_MODEL_BYTES
    with np.load(tmp_path / "frustration_classifier.npz", allow_pickle=False) as arrays:
        assert set(arrays.files) == {"word_idf", "char_idf", "coef"}
    loaded = FrustrationClassifier.load(tmp_path)
    texts = ["où est mon colis ???", "स्थिति क्या है", "最悪です", ""]
    languages = ["fr", "hi", "ja", "en"]
    assert np.allclose(loaded.probabilities(texts, languages),
                       small_classifier.probabilities(texts, languages))
    assert loaded.config == small_classifier.config


def test_fast_scores_equal_the_sparse_tfidf_product(
    small_classifier: FrustrationClassifier,
) -> None:
    texts = ["not bad at all", "WHERE IS MY PARCEL", "", "kya bakwas hai yaar"]
    languages = ["en", "en", "en", "hi-Latn"]
    words, chars = small_classifier._featurizer.counts(texts, languages)
    split = small_classifier.config.word_features
    matrix = sparse.hstack([_tfidf(words, small_classifier.word_idf),
                            _tfidf(chars, small_classifier.char_idf)], format="csr")
    expected = matrix @ small_classifier.coef
    fast = (_block_scores(words, small_classifier.word_idf, small_classifier.coef[:split])
            + _block_scores(chars, small_classifier.char_idf, small_classifier.coef[split:]))
    assert np.allclose(fast, expected, atol=1e-5)


def test_prediction_takes_under_a_millisecond(small_classifier: FrustrationClassifier) -> None:
    texts = [t for _, t, _ in heldout_examples("de", split="dev")] * 3
    small_classifier.probability("warm up", "de")
    started = time.perf_counter()
    for text in texts:
        small_classifier.probability(text, "de")
    assert (time.perf_counter() - started) / len(texts) < 0.001


# ---------------------------------------------------------------------------- the component


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), uuid.uuid4().hex)


def _training_data() -> TrainingData:
    rows = [("how much is shipping to France", "faq", "en"),
            ("wie lange dauert der Versand", "faq", "de"),
            ("I want a human now", "request_human", "en")]
    return TrainingData([Message.build(text, intent, intent_metadata={"language": lang})
                         for text, intent, lang in rows])


def _message(text: str, language: str) -> Message:
    message = Message.build(text)
    message.set(LANGUAGE, {"name": language, "confidence": 1.0})
    return message


def test_detector_trains_persists_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, execution_context: ExecutionContext
) -> None:
    monkeypatch.setenv(DATASETS_ENV, str(_fake_datasets(tmp_path / "datasets")))
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage.create(tmp_path / "model")
    resource = Resource("frustration_detector")
    config = FrustrationDetector.get_default_config()
    assert FrustrationDetector.fingerprint_addon(config)
    detector = FrustrationDetector.create(config, storage, resource, execution_context)
    assert detector.scorer.classifier is None
    assert detector.train(_training_data()) == resource
    loaded = FrustrationDetector.load(config, storage, resource, execution_context)
    assert loaded.scorer.classifier is not None
    trained_on = loaded.scorer.classifier.info["trained_on"]
    assert trained_on["umsab"]["n"] == 24 and trained_on["nlu"]["n"] == 2
    messages = loaded.process([
        _message("Unbelievable. Third email, still no answer, I am so done with you people!",
                 "en"),
        _message("Wie lange dauert der Versand nach Österreich?", "de"),
    ])
    angry, calm = (m.get(FRUSTRATION) for m in messages)
    assert set(angry) == {"score", "signals", "abusive", "sensitive"}
    assert angry["score"] >= 0.35 and calm["score"] < 0.35
    assert CLASSIFIER_SIGNAL in angry["signals"]


def test_detector_without_a_trained_classifier_uses_the_lexicons(
    tmp_path: Path, execution_context: ExecutionContext, caplog: pytest.LogCaptureFixture
) -> None:
    storage = LocalModelStorage.create(tmp_path)
    config = FrustrationDetector.get_default_config()
    with caplog.at_level(logging.WARNING):
        loaded = FrustrationDetector.load(config, storage, Resource("untrained"),
                                          execution_context)
    assert loaded.scorer.classifier is None and "without its classifier" in caplog.text
    [message] = loaded.process([_message("you stupid bot", "en")])
    assert message.get(FRUSTRATION)["abusive"]


def test_detector_can_switch_the_classifier_off(
    tmp_path: Path, execution_context: ExecutionContext
) -> None:
    config = {**FrustrationDetector.get_default_config(), "classifier": False}
    assert FrustrationDetector.fingerprint_addon(config) is None
    storage = LocalModelStorage.create(tmp_path)
    resource = Resource("off")
    detector = FrustrationDetector.create(config, storage, resource, execution_context)
    detector.train(_training_data())
    loaded = FrustrationDetector.load(config, storage, resource, execution_context)
    assert loaded.scorer.classifier is None
