"""Frustration scores from the real lexicons in data/frustration/, alone and fused."""

from __future__ import annotations

import math

import pytest

from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.frustration_classifier import (
    COMPLAINT_INTENTS,
    UMSAB_LANGUAGES,
    FrustrationClassifier,
    datasets_root,
    nlu_calm_corpus,
    train_default,
)
from bot.nlu.frustration_scorer import (
    CLASSIFIER_SIGNAL,
    DEFAULT_FUSION,
    FRUSTRATED_SCORE,
    FrustrationScorer,
    Fusion,
)
from tests.nlu_data import HELDOUT_DIR, read_examples, training_examples


@pytest.fixture(scope="module")
def scorer() -> FrustrationScorer:
    return FrustrationScorer.from_directory(load_settings().data_dir / "frustration")


@pytest.fixture(scope="module")
def classifier(scorer: FrustrationScorer) -> FrustrationClassifier:
    """The classifier as Rasa trains it (about 20 s with the public data sets)."""
    rows = [row for language in SUPPORTED_LANGUAGES for row in training_examples(language)]
    calm = nlu_calm_corpus(rows, lambda t, lang: scorer.score(t, lang).score >= FRUSTRATED_SCORE)
    return train_default(extra=calm)[0]


@pytest.fixture(scope="module")
def fused(scorer: FrustrationScorer, classifier: FrustrationClassifier) -> FrustrationScorer:
    return scorer.with_classifier(classifier)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This is ridiculous, I have been waiting for weeks!!!"),
        ("en", "WHERE IS MY ORDER, I PAID TWO WEEKS AGO"),
        ("de", "Das ist echt eine Frechheit, ich warte seit Wochen!"),
        ("es", "ya es la tercera vez que escribo, esto es una vergüenza"),
        ("fr", "c'est inadmissible, j'attends toujours mon colis depuis des semaines"),
        ("it", "è una vergogna, aspetto da settimane e nessuno risponde"),
        ("pt", "que absurdo, já é a terceira vez que eu escrevo"),
        ("hi", "यह बहुत बेकार सर्विस है, तीसरी बार लिख रहा हूँ"),
        ("hi-Latn", "kitni baar bolu, bakwas service hai"),
        ("ja", "最悪です。いい加減にしてください"),
        ("zh", "太过分了，我等了两个星期还没收到"),
        ("ar", "هذا غير مقبول، أنتظر منذ أسابيع"),
        ("en", "ok thanks 😡😡"),
    ],
)
def test_frustrated_messages(
    scorer: FrustrationScorer, fused: FrustrationScorer, language: str, text: str
) -> None:
    assert scorer.score(text, language).score >= FRUSTRATED_SCORE
    assert fused.score(text, language).score >= FRUSTRATED_SCORE


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "How long does shipping take?"),
        ("en", "not bad, thanks"),
        ("de", "nicht schlecht, danke"),
        ("zh", "不错，谢谢"),
        ("es", "¿Cuánto cuesta el envío a Canarias?"),
        ("ja", "送料はいくらですか？"),
        ("en", "the parcel arrived damaged, how do I get a replacement?"),
        ("fr", "le paiement a été refusé, quels autres moyens de paiement avez-vous ?"),
        ("es", "puse mal la dirección 🤦 ¿se puede cambiar?"),
    ],
)
def test_calm_messages(
    scorer: FrustrationScorer, fused: FrustrationScorer, language: str, text: str
) -> None:
    assert scorer.score(text, language).score < FRUSTRATED_SCORE
    assert fused.score(text, language).score < FRUSTRATED_SCORE


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # Venting without a single lexicon entry: the classifier's contribution.
        ("en", "Three emails and not one reply. Is anybody even working there?"),
        ("de", "Jetzt warte ich schon den dritten Tag auf einen Rückruf, das kann doch nicht sein."),
        ("hi-Latn", "subah se koshish kar raha hu, kuch kaam nahi kar raha, pagal ho jaunga"),
        ("zh", "等了整整两个星期，一个电话都没有，你们就是这样做生意的？"),
    ],
)
def test_classifier_catches_venting_the_lexicons_miss(
    fused: FrustrationScorer, language: str, text: str
) -> None:
    if not (datasets_root() / "goemotions").is_dir():
        # Without the public training splits the classifier learns from ~70 examples per
        # language only (documented); what it catches then is not this test's claim.
        pytest.skip("the classifier was trained without the public data sets")
    result = fused.score(text, language)
    assert result.score >= FRUSTRATED_SCORE, result
    assert CLASSIFIER_SIGNAL in result.signals


def test_insults_and_sensitive_topics_are_flagged(
    scorer: FrustrationScorer, fused: FrustrationScorer
) -> None:
    for current in (scorer, fused):
        insult = current.score("you stupid bot", "en")
        assert insult.abusive and insult.score >= FRUSTRATED_SCORE
        assert current.score("Mein Konto wurde gehackt", "de").sensitive == "hacked_account"
        assert current.score("I'll talk to my lawyer about this", "en").sensitive == "legal_threat"
        assert current.score("How do I reset my password?", "en").sensitive is None


def test_few_false_alarms_on_neutral_dev_messages(fused: FrustrationScorer) -> None:
    """Neutral held-out DEV messages: at most 3% flagged per language.

    Neutral: the short questions of <lang>.yml outside the complaint intents (the messy
    files vent on purpose). The test split is scored only by bench/frustration_bench.py.
    """
    if not (datasets_root() / "goemotions").is_dir():
        pytest.skip("the fusion was tuned with the public data sets, which are missing")
    for language in SUPPORTED_LANGUAGES:
        messages = [
            text for intent, text, _ in read_examples(HELDOUT_DIR / "dev" / f"{language}.yml")
            if intent.split("/")[0] not in COMPLAINT_INTENTS
        ]
        flagged = [t for t in messages if fused.score(t, language).score >= FRUSTRATED_SCORE]
        assert len(flagged) <= 0.03 * len(messages), (language, flagged)


def test_parse_shape_and_signal(fused: FrustrationScorer) -> None:
    result = fused.score("Unbelievable, I am still waiting and nobody answers!!", "en").as_dict()
    assert set(result) == {"score", "signals", "abusive", "sensitive"}
    assert 0.0 <= result["score"] <= 1.0
    assert result["signals"] == sorted(result["signals"])


def test_lexicon_scorer_is_unchanged_without_classifier(scorer: FrustrationScorer) -> None:
    """Without a classifier: full lexicon weight, VADER for English, no classifier signal."""
    assert scorer.fusion == Fusion()
    result = scorer.score("This is absolutely awful and disgusting", "en")
    assert "vader" in result.signals and CLASSIFIER_SIGNAL not in result.signals


def test_fusion_arithmetic() -> None:
    fusion = Fusion(lexicon_scale=0.5, classifier_weight=2.0, gate=0.4, gates={"de": 0.6})
    assert fusion.classifier_evidence(0.4, "en") == 0.0
    assert fusion.classifier_evidence(0.7, "en") == pytest.approx(2.0 * 0.3 / 0.6)
    assert fusion.classifier_evidence(0.6, "de") == 0.0
    assert fusion.gate_for("ja") == 0.4
    # The classifier alone flags from p = gate + (1 - gate) * ln(1 / 0.65) / weight.
    gate = DEFAULT_FUSION.gate
    threshold = gate + (1 - gate) * math.log(1 / (1 - FRUSTRATED_SCORE)) / (
        DEFAULT_FUSION.classifier_weight
    )
    assert 0.5 < threshold < 0.7


def test_vader_does_not_double_count_with_a_classifier(fused: FrustrationScorer) -> None:
    assert "vader" not in fused.score("bank rejected my card at checkout", "en").signals


def test_bad_input_is_scored_without_error(
    scorer: FrustrationScorer, fused: FrustrationScorer
) -> None:
    for current in (scorer, fused):
        for text in ["", " ", "\x00\x01", "a" * 100_000, "<script>alert(1)</script>", "‏مرحبا‎"]:
            assert 0.0 <= current.score(text, "en").score <= 1.0
        assert current.score("", "en").score == 0.0
        assert current.score("hola", "xx-unknown").score < FRUSTRATED_SCORE


def test_score_many_equals_score(fused: FrustrationScorer) -> None:
    texts = ["where is my parcel??", "THIS IS A JOKE", "", "danke!"]
    languages = ["en", "en", "en", "de"]
    batch = fused.score_many(texts, languages)
    for text, language, result in zip(texts, languages, batch, strict=True):
        assert result.score == pytest.approx(fused.score(text, language).score, abs=1e-6)


def test_umsab_languages_are_supported() -> None:
    assert set(UMSAB_LANGUAGES) <= set(SUPPORTED_LANGUAGES)
