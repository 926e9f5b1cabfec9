"""Identifies the language of a chat message by combining several kinds of evidence.

Evidence, strongest first: the Unicode script (kana means Japanese, Devanagari Hindi, ...),
lingua's n-gram models (shipped inside its wheel, restricted to our languages), a character
n-gram model learned from our own multilingual training data (the only source that knows
romanized Hindi), langdetect's probabilities, and priors from the channel's locale and
from the conversation's language so far. The weights were tuned on MASSIVE dev
(bench/langid_bench.py reports on MASSIVE test).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.nlu import MAX_ANALYSED_CHARS
from bot.nlu.char_ngram_model import CharNgramModel
from bot.nlu.scripts import dominant_script, script_counts

LATIN_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "it", "hi-Latn")
UNDETERMINED = "und"

# langdetect codes that mean one of our tags.
_LANGDETECT_ALIASES = {"zh-cn": "zh", "zh-tw": "zh"}
# Scripts that no supported language uses, and the language to report when langdetect
# has nothing better to say.
_FOREIGN_SCRIPT_DEFAULT = {
    "hangul": "ko", "cyrillic": "ru", "greek": "el", "hebrew": "he", "thai": "th",
    "georgian": "ka", "indic_other": "bn", "other": UNDETERMINED,
}
# Below this many letters a text says too little to be called an unsupported language.
_MIN_LETTERS_FOR_FOREIGN = 24
# Up to this many Han characters without kana can be Japanese as well as Chinese.
_FEW_HAN = 3
# langdetect knows nothing about romanized Hindi: give it a neutral probability.
_LANGDETECT_NEUTRAL = 0.1
_LANGDETECT_FLOOR = 0.02
_LANGDETECT_WEIGHT = 0.1
_LINGUA_WEIGHT = 1.0
_LINGUA_FLOOR = 0.01
# lingua knows no romanized Hindi either: it counts as this share of lingua's best value.
_LINGUA_NEUTRAL_SHARE = 0.5
_MODEL_WEIGHT = 0.2
_LETTERS_FOR_FULL_EVIDENCE = 12
# Naive Bayes is overconfident; no single source may rule a language out entirely.
_MODEL_FLOOR = 0.01
# Evidence a text in a shared script is not Hindi or Arabic: letters only Persian or Urdu
# use, and frequent words Hindi does not have.
_PERSIAN_URDU_LETTERS = frozenset("پچژگکیٹڈڑںےھۓ")
_MARATHI_NEPALI_WORDS = frozenset(
    "आहे आहेत आणि नाही मला तुम्ही काय होते छ छन् हुन्छ गर्नुहोस् मलाई तपाईं छैन".split()
)
# Unsupported languages need this much text and langdetect's near certainty.
_FOREIGN_MIN_PROBABILITY = 0.99
_LINGUA_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "ja", "zh")


@dataclass(frozen=True)
class LanguageGuess:
    """The identified language of one message.

    Attributes:
        name: a supported tag, an ISO 639-1 code of an unsupported language, or "und".
        confidence: 0..1; 0 means the text held no evidence at all (digits, emoji).
        supported: whether `name` is one of SUPPORTED_LANGUAGES.
    """

    name: str
    confidence: float
    supported: bool

    def as_dict(self) -> dict[str, object]:
        """The parse-result form: {"name", "confidence"} plus "supported"."""
        return {
            "name": self.name,
            "confidence": round(self.confidence, 4),
            "supported": self.supported,
        }


class LanguageIdentifier:
    """Scores the supported languages for a text from script, n-grams, langdetect, priors."""

    def __init__(
        self,
        char_model: CharNgramModel | None = None,
        locale_weight: float = 3.0,
        previous_weight: float = 3.0,
        default_weight: float = 2.0,
    ) -> None:
        """Creates an identifier.

        Args:
            char_model: a fitted character n-gram model, or None to rely on script,
                lingua and langdetect alone.
            locale_weight: how many times likelier the channel locale's language is.
            previous_weight: how many times likelier the conversation's language is.
            default_weight: how many times likelier the shop's default language is when
                neither a locale nor an earlier message says anything ("hi" is English,
                not Hinglish, in a conversation that starts with it).
        """
        self.char_model = char_model
        self.locale_weight = locale_weight
        self.previous_weight = previous_weight
        self.default_weight = default_weight
        DetectorFactory.seed = 0

    @staticmethod
    def fit_char_model(texts: Sequence[str], labels: Sequence[str]) -> CharNgramModel:
        """Fits the character n-gram model on labelled texts (our NLU training data)."""
        return CharNgramModel.fit(texts, labels)

    def identify(
        self, text: str, locale_language: str | Collection[str] | None = None,
        previous: str | None = None,
    ) -> LanguageGuess:
        """Identifies the language of `text`.

        Args:
            text: the customer's message.
            locale_language: the supported language(s) the channel's locale makes likely
                (bot.languages.locale_languages), if known.
            previous: the conversation's language so far, if any.

        Returns:
            The best guess with its confidence.
        """
        text = text[:MAX_ANALYSED_CHARS]
        if isinstance(locale_language, str):  # one tag; Hindi readers may type Hinglish
            likely = {locale_language, "hi-Latn"} if locale_language == "hi" else {locale_language}
        else:
            likely = set(locale_language or ())
        counts = script_counts(text)
        letters = sum(counts.values())
        if letters == 0:
            from_locale = sorted(likely, key=lambda tag: tag == "hi-Latn")[:1]
            name = previous or (from_locale[0] if from_locale else DEFAULT_LANGUAGE)
            return LanguageGuess(name, 0.0, name in SUPPORTED_LANGUAGES)

        script = dominant_script(counts)
        if script in ("kana", "han"):
            return self._identify_cjk(text, counts, likely, previous)
        if script == "devanagari":
            return self._identify_with_foreign_check(text, "hi", {"mr", "ne"}, letters)
        if script == "arabic":
            return self._identify_with_foreign_check(text, "ar", {"fa", "ur"}, letters)
        if script != "latin":
            return self._identify_foreign_script(text, script)
        return self._identify_latin(text, letters, likely, previous)

    def _identify_cjk(
        self, text: str, counts: dict[str, int], likely: set[str], previous: str | None
    ) -> LanguageGuess:
        if counts.get("kana", 0) > 0:
            return LanguageGuess("ja", 0.99, True)
        # A few Han characters alone ("二", "了解") are the same in Japanese and Chinese: the
        # conversation, else the locale, decides, without evidence to switch languages.
        if counts.get("han", 0) <= _FEW_HAN:
            context = previous if previous in ("ja", "zh") else next(
                (tag for tag in ("ja", "zh") if tag in likely), None)
            if context is not None:
                return LanguageGuess(context, 0.5, True)
        # Han only: Chinese, unless lingua finds Japanese kanji usage (no kana is rare).
        japanese = lingua_probabilities(text, ("ja", "zh")).get("ja", 0.0)
        if japanese > 0.9:
            return LanguageGuess("ja", japanese, True)
        return LanguageGuess("zh", max(0.9, 1.0 - japanese), True)

    def _identify_with_foreign_check(
        self, text: str, language: str, foreign: set[str], letters: int
    ) -> LanguageGuess:
        # Marathi and Nepali share Devanagari with Hindi, Persian and Urdu the Arabic
        # script; langdetect confuses them on short texts, so ask for more evidence.
        if language == "ar":
            distinctive = any(char in _PERSIAN_URDU_LETTERS for char in text)
        else:
            distinctive = not _MARATHI_NEPALI_WORDS.isdisjoint(text.split())
        if letters >= _MIN_LETTERS_FOR_FOREIGN and distinctive:
            detected = langdetect_probabilities(text)
            for code in foreign:
                if detected.get(code, 0.0) >= _FOREIGN_MIN_PROBABILITY:
                    return LanguageGuess(code, detected[code], False)
        return LanguageGuess(language, 0.99, True)

    def _identify_foreign_script(self, text: str, script: str) -> LanguageGuess:
        detected = langdetect_probabilities(text)
        if detected:
            code, probability = max(detected.items(), key=lambda item: item[1])
            if code not in SUPPORTED_LANGUAGES:
                return LanguageGuess(code, probability, False)
        return LanguageGuess(_FOREIGN_SCRIPT_DEFAULT.get(script, UNDETERMINED), 0.9, False)

    def _identify_latin(
        self, text: str, letters: int, likely: set[str], previous: str | None
    ) -> LanguageGuess:
        model_probs = self._model_probabilities(text, LATIN_LANGUAGES)
        detected = langdetect_probabilities(text)
        lingua = lingua_probabilities(text, LATIN_LANGUAGES)
        if lingua:
            lingua["hi-Latn"] = _LINGUA_NEUTRAL_SHARE * max(lingua.values())
        # A few letters ("ok", "hi") are weak evidence; priors decide those.
        strength = min(1.0, letters / _LETTERS_FOR_FULL_EVIDENCE)
        scores: dict[str, float] = {}
        for language in LATIN_LANGUAGES:
            evidence = _LANGDETECT_NEUTRAL if language == "hi-Latn" else detected.get(language, 0.0)
            score = _LANGDETECT_WEIGHT * math.log(evidence + _LANGDETECT_FLOOR)
            if lingua:
                score += _LINGUA_WEIGHT * math.log(lingua.get(language, 0.0) + _LINGUA_FLOOR)
            if model_probs:
                score += _MODEL_WEIGHT * math.log(max(model_probs.get(language, 0.0), _MODEL_FLOOR))
            score *= strength
            if language in likely:
                score += math.log(self.locale_weight)
            if language == previous:
                score += math.log(self.previous_weight)
            elif previous is None and not likely and language == DEFAULT_LANGUAGE:
                # Only where the text itself says little: it never outweighs real evidence.
                score += math.log(self.default_weight) * (1.0 - strength)
            scores[language] = score
        best, confidence = _softmax_best(scores)

        # langdetect calls much Hinglish Indonesian or Somali; romanized Hindi is typed
        # in plain ASCII, so letters with diacritics (Turkish ş, Polish ł) rule it out.
        could_be_hinglish = sum(1 for char in text if char.isalpha() and ord(char) > 127) < 2
        if (
            letters >= _MIN_LETTERS_FOR_FOREIGN
            and detected
            and not (best == "hi-Latn" and could_be_hinglish)
        ):
            # Unsupported only when langdetect is sure, gives our languages nothing, and
            # lingua (over all its languages) names the same one: langdetect alone calls
            # short German commands Afrikaans.
            code, probability = max(detected.items(), key=lambda item: item[1])
            if (
                code not in SUPPORTED_LANGUAGES
                and probability >= _FOREIGN_MIN_PROBABILITY
                and sum(detected.get(lang, 0.0) for lang in LATIN_LANGUAGES) < _LANGDETECT_FLOOR
                and lingua_any_language(text) == code
            ):
                return LanguageGuess(code, probability, False)
        return LanguageGuess(best, confidence, True)

    def _model_probabilities(self, text: str, languages: Iterable[str]) -> dict[str, float]:
        """Char-model probabilities renormalised over `languages`; empty without a model."""
        if self.char_model is None:
            return {}
        classes = list(self.char_model.classes_)
        row = self.char_model.predict_proba([text])[0]
        wanted = {lang: float(row[classes.index(lang)]) for lang in languages if lang in classes}
        total = sum(wanted.values())
        return {lang: p / total for lang, p in wanted.items()} if total > 0 else {}


def langdetect_probabilities(text: str) -> dict[str, float]:
    """Langdetect's probabilities (seeded, so repeatable), keyed by our tags where they map."""
    DetectorFactory.seed = 0
    try:
        results = detect_langs(text)
    except LangDetectException:
        return {}
    probabilities: dict[str, float] = {}
    for result in results:
        code = _LANGDETECT_ALIASES.get(result.lang, result.lang)
        probabilities[code] = probabilities.get(code, 0.0) + result.prob
    return probabilities


def lingua_probabilities(text: str, languages: Iterable[str]) -> dict[str, float]:
    """Lingua's confidence values over `languages` (of _LINGUA_LANGUAGES), renormalised."""
    detector = _lingua_detector()
    if detector is None:
        return {}
    wanted = [lang for lang in languages if lang in _LINGUA_LANGUAGES]
    values = {
        result.language.iso_code_639_1.name.lower(): result.value
        for result in detector.compute_language_confidence_values(text)
    }
    total = sum(values.get(lang, 0.0) for lang in wanted)
    if total <= 0:
        return {}
    return {lang: values.get(lang, 0.0) / total for lang in wanted}


def lingua_any_language(text: str) -> str | None:
    """Lingua's ISO 639-1 verdict among all its 75 languages (fast mode).

    Returns:
        The code, or None when lingua is unsure or not installed.
    """
    detector = _lingua_all_languages()
    if detector is None:
        return None
    result = detector.detect_language_of(text)
    return result.iso_code_639_1.name.lower() if result is not None else None


@lru_cache(maxsize=1)
def _lingua_all_languages() -> Any:
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        return None
    return (
        LanguageDetectorBuilder.from_all_languages()
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


@lru_cache(maxsize=1)
def _lingua_detector() -> Any:
    """One shared lingua detector for our languages; None when lingua is not installed."""
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        return None
    codes = [getattr(IsoCode639_1, code.upper()) for code in _LINGUA_LANGUAGES]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


def _softmax_best(scores: dict[str, float]) -> tuple[str, float]:
    top = max(scores.values())
    weights = {lang: math.exp(score - top) for lang, score in scores.items()}
    best = max(weights, key=weights.__getitem__)
    return best, weights[best] / sum(weights.values())
