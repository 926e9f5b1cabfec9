"""Frustration scores from the real lexicons in data/frustration/."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.languages import SUPPORTED_LANGUAGES
from bot.nlu.frustration_scorer import FRUSTRATED_SCORE, FrustrationScorer
from tests.nlu_data import heldout_examples


@pytest.fixture(scope="module")
def scorer() -> FrustrationScorer:
    return FrustrationScorer.from_directory(load_settings().data_dir / "frustration")


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
def test_frustrated_messages(scorer: FrustrationScorer, language: str, text: str) -> None:
    assert scorer.score(text, language).score >= FRUSTRATED_SCORE


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "How long does shipping take?"),
        ("en", "not bad, thanks"),
        ("de", "nicht schlecht, danke"),
        ("zh", "不错，谢谢"),
        ("es", "¿Cuánto cuesta el envío a Canarias?"),
        ("ja", "送料はいくらですか？"),
    ],
)
def test_calm_messages(scorer: FrustrationScorer, language: str, text: str) -> None:
    assert scorer.score(text, language).score < FRUSTRATED_SCORE


def test_insults_and_sensitive_topics_are_flagged(scorer: FrustrationScorer) -> None:
    insult = scorer.score("you stupid bot", "en")
    assert insult.abusive and insult.score >= FRUSTRATED_SCORE
    assert scorer.score("Mein Konto wurde gehackt", "de").sensitive == "hacked_account"
    assert scorer.score("I'll talk to my lawyer about this", "en").sensitive == "legal_threat"
    assert scorer.score("How do I reset my password?", "en").sensitive is None


def test_few_false_alarms_on_ordinary_support_questions(scorer: FrustrationScorer) -> None:
    """Held-out questions (not complaints) must rarely look frustrated (target <= 3%)."""
    complaints = {"deny", "request_human", "ticket_status"}
    for language in SUPPORTED_LANGUAGES:
        questions = [t for i, t, _ in heldout_examples(language) if i not in complaints]
        flagged = [t for t in questions if scorer.score(t, language).score >= FRUSTRATED_SCORE]
        assert len(flagged) <= 0.03 * len(questions), (language, flagged)


def test_bad_input_is_scored_without_error(scorer: FrustrationScorer) -> None:
    for text in ["", "\x00\x01", "a" * 100_000, "<script>alert(1)</script>", "‏مرحبا‎"]:
        assert 0.0 <= scorer.score(text, "en").score <= 1.0
