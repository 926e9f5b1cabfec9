"""Identifies the language of a chat message by combining several kinds of evidence.

Evidence, strongest first: the Unicode script (kana means Japanese, Devanagari Hindi, ...)
and, for Han-only text, the character forms each language writes; then for Latin script
lingua's n-gram models (shipped inside its wheel, restricted to our languages), a
character n-gram model learned from our own multilingual training data (the only source
that knows romanized Hindi), the function words of each language, and priors from the
channel's locale and from the conversation's language so far. Greetings and closings
that every language borrows ("hi", "ok", "bye", "thanks") are decided by the priors
alone. The weights were tuned on MASSIVE dev and our held-out dev split
(bench/langid_bench.py reports the test splits).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.nlu import MAX_ANALYSED_CHARS
from bot.nlu.char_ngram_model import CharNgramModel
from bot.nlu.scripts import dominant_script, han_forms, script_counts

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
# Up to this many Han characters, the character forms decide between ja and zh (lingua's
# n-grams call almost every short kanji word Chinese); longer texts have n-grams enough.
_HAN_FORMS_DECIDE = 12
_LANGDETECT_FLOOR = 0.02
_LINGUA_LATIN = ("en", "es", "fr", "de", "pt", "it")
# Evidence a text in a shared script is not Hindi or Arabic: letters only Persian or Urdu
# use, and frequent words Hindi does not have.
_PERSIAN_URDU_LETTERS = frozenset("پچژگکیٹڈڑںےھۓ")
_MARATHI_NEPALI_WORDS = frozenset(
    "आहे आहेत आणि नाही मला तुम्ही काय होते छ छन् हुन्छ गर्नुहोस् मलाई तपाईं छैन".split()
)
# Unsupported languages need this much text and langdetect's near certainty.
_FOREIGN_MIN_PROBABILITY = 0.99
_LINGUA_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "ja", "zh")
# A message decided by priors alone ("hi", "ok") reports this: enough to open a
# conversation, never enough to switch one (bot/culture/conversation_language.py).
PRIOR_ONLY_CONFIDENCE = 0.5

# Frequent function words (and a few everyday chat words) per Latin-script language. A word
# several languages share counts for each of them in equal parts, so only the distinctive
# ones ("o", "do", "não" for Portuguese; "el", "los", "pon" for Spanish) move the decision.
# This is what short messages lack most: n-gram models see "o" or "do" as letters, not as
# the Portuguese article. The lists were written from general knowledge of the languages.
_FUNCTION_WORDS: dict[str, str] = {
    "en": """
        the a an and or is are was were be been am i you he she we they it my your our their
        me him her us them this that these those what where when why how who which whose can
        could would should will won do does did don doesn didn isn wasn not with for of to in
        on at from by about please have has had get got want need there here some any all just
        tell show find much many more thanks thank hello yes yeah today tomorrow tonight
        yesterday let s t m ll re ve too up out off into over if then than so also very now play
        turn start stop open send check set no""",
    "es": """
        el la los las un una unos unas y de del al en es está están estoy estás son que qué
        cómo como dónde donde cuándo cuando por para con sin mi mis tu tus su sus yo me te se
        lo le les nos muy más pero hay hoy mañana ahora puedes puede quiero quieres necesito
        tengo tiene tienes hola gracias adiós sí bueno buenos buenas favor pon dime ya también
        eso esto este esta ese esa aquí allí mucho poco algo nada todo todos cuál cuánto
        cuántos cuánta hasta desde sobre entre ayer semana oye hazme dame ponme voy vamos
        usted ustedes será fue era hacer hace quién hay dile muéstrame leer jugar escuchar va
        van ir poner quisiera puedo noche día fuera algún alguien nuevo nueva otro otra vez cosa no
        vale dale venga wenas sip okey porfa xfa jaja jajaja""",
    "pt": """
        o a os as um uma uns umas e de do da dos das no na nos nas em ao aos à às pelo pela
        pelos pelas num numa não sim você vocês eu meu minha meus minhas teu tua seu sua com
        sem mais muito muita está estou estão é são tem têm tenho foi ser ter fazer faz favor
        obrigado obrigada olá oi tchau adeus isso isto esse essa aqui ali hoje amanhã ontem
        agora quando onde qual quais quanto quantos porque porquê também já até ainda então
        depois mim lhe nós vai vou quero preciso pode podes diz diga me te se que para por
        este esta todos tudo nada algum alguma alguns algumas quem lá põe pôr dizer jogar
        ler ouvir liga desliga mostra coloca manda queria gostaria gosto podia deixa fala
        falar coisa coisas outro outra vez dia semana fora sobre algo valeu blz beleza falou
        vlw obg pfv né tá pra pro kkk kkkk""",
    "fr": """
        le la les un une des du de et est sont je j tu il elle nous vous on mon ma mes ton ta
        tes son sa ses ce cet cette ces qui que quoi où quand comment pourquoi combien pour
        par avec sans dans sur sous chez pas ne plus très bien oui non merci bonjour bonsoir
        salut revoir plaît plait avoir être fait faire peux peut veux voudrais dois mets met
        moi toi lui leur aujourd hui demain hier maintenant encore déjà aussi tout tous toute
        quel quelle quels y au aux c l d qu n s suis es ai as a stp svp ouais bcp mdr""",
    "de": """
        der die das den dem des ein eine einen einem einer und oder ist sind war bin bist ich
        du er sie es wir ihr mein meine meinen meinem dein deine mich mir dich dir uns nicht
        kein keine mit für von zu zum zur auf in im an am bei nach aus wie was wo wann warum
        wer welche welcher welches bitte danke hallo tschüss ja nein auch noch schon nur mal
        doch aber heute morgen gestern jetzt kann kannst können möchte will habe hast hat
        haben wird werden gibt über um ab bis alle alles viel sehr ob dass gerade mach mache
        spiel spiele zeig zeige sag sage gib jo jup nö ne""",
    "it": """
        il lo la i gli le un uno una e è di del della dei delle al alla allo ai nel nella con
        per su da in che chi cosa come dove quando perché quanto quale non sì si mi ti ci vi
        ne io tu lui lei noi voi loro mio mia miei mie tuo tua suo sua sono sei siamo ho hai
        ha abbiamo hanno fare fa puoi può posso voglio vorrei devo grazie ciao buongiorno
        buonasera arrivederci prego favore oggi domani ieri adesso ora ancora già anche molto
        tutto tutti questo questa quello quella qui lì più dimmi metti fammi c l d sul sulla
        dal dalla degli nei negli gli quali qual cui ecco fatto stato essere avere va vai
        vado andare dire mostra mostrami leggi ascoltare giocare settimana giorno sera no
        va bene vabbè allora boh dai""",
    "hi-Latn": """
        hai hain ho hoga hogi honge tha thi kya kyu kyun kyon kaise kaisa kaisi kab kahan
        kaha kidhar kaun kitna kitne kitni mera meri mere mujhe mujhko mai main hum humein
        hume hamara hamari aap aapka aapki aapke apna apni apne tum tumhara tumhe tera teri ka
        ki ke ko se mein me par pe aur ya nahi nahin nhi nai bhi toh to hi ab abhi jab phir fir
        kuch sab bahut bohot bhai yaar ji haan theek thik accha acha achha chahiye karna karo
        kar karke kardo kariye kijiye dijiye dena batao bataiye bata raha rahi rahe gaya gayi
        gaye diya liya wala wali wale lekin kyunki koi kisi isko usko iska uska ye yeh woh vo
        wo kal aaj dhanyavad dhanyawad dhanyavaad shukriya namaste namaskar kripya chalo
        matlab sahi mila milega milta tak aa jayega jaega chalega padega hua hui huye wapas
        kharab saman bhejo bhejna karoge karunga karungi lena dekho dekh samjha pata paisa
        paise jaldi bilkul""",
}

# Greetings, thanks and closings that customers of every language type. A message made
# only of these says nothing about its language: the conversation's language decides, then
# the locale's, then the language the word comes from ("ciao" is Italian, the rest English;
# until now a bare "hi" was read as Hinglish).
_SHARED_SOCIAL_WORDS: dict[str, str] = {
    **dict.fromkeys(
        """hi hii hiii hello helo hey heyy ok okay okk k kk bye byee byebye thanks thank
        thanx thx tnx ty tysm you u there all so much very lot a cool""".split(),
        "en",
    ),
    "ciao": "it",
}
_WORD = re.compile(r"[^\W\d_]+")
# A letter typed three times or more, or repeated at the end ("dankeee", "jaa", "okkk").
_TRIPLED = re.compile(r"(.)\1{2,}")
_DOUBLED_AT_END = re.compile(r"(.)\1+$")


@dataclass(frozen=True)
class LatinWeights:
    """How the evidence for a Latin-script text adds up (tuned on the dev splits).

    Each source contributes weight * log(probability + floor) per language; the sum is
    scaled by the text's length (strength), the function words, biases and priors are
    added, and a softmax gives the confidence.
    """

    lingua: float = 1.0
    lingua_floor: float = 0.001
    # lingua knows no romanized Hindi: it gets this share of lingua's best value.
    hinglish_share: float = 0.5
    model: float = 0.3
    # Naive Bayes sums one log-likelihood per n-gram and is overconfident: its log
    # probabilities are divided by this temperature, and no class goes below the floor.
    model_temperature: float = 16.0
    model_floor: float = 0.01
    words: float = 2.0
    letters_for_full_evidence: int = 12
    # The reported confidence is the softmax of the scores divided by this: above 1, a
    # first message that mixes languages ("pon michael buble save the last dance") is
    # less sure, so that a clear second message can still correct the conversation.
    confidence_temperature: float = 1.5
    bias: Mapping[str, float] = field(default_factory=dict)


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
    """Scores the supported languages for a text from script, n-grams, words and priors."""

    def __init__(
        self,
        char_model: CharNgramModel | None = None,
        locale_weight: float = 3.0,
        previous_weight: float = 3.0,
        default_weight: float = 2.0,
        weights: LatinWeights | None = None,
    ) -> None:
        """Creates an identifier.

        Args:
            char_model: a fitted character n-gram model, or None to rely on script,
                lingua and the function words alone.
            locale_weight: how many times likelier the channel locale's language is.
            previous_weight: how many times likelier the conversation's language is.
            default_weight: how many times likelier the shop's default language is when
                neither a locale nor an earlier message says anything, for texts too short
                to be full evidence.
            weights: the Latin-script fusion weights (LatinWeights() when None).
        """
        self.char_model = char_model
        self.locale_weight = locale_weight
        self.previous_weight = previous_weight
        self.default_weight = default_weight
        self.weights = weights or LatinWeights()
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
        words = _words(text)
        social = [_SHARED_SOCIAL_WORDS.get(word) or _SHARED_SOCIAL_WORDS.get(_shortened(word))
                  for word in words]
        if social and all(social):
            return _identify_by_priors(social, likely, previous)  # type: ignore[arg-type]
        return self._identify_latin(text, words, letters, likely, previous)

    def _identify_cjk(
        self, text: str, counts: dict[str, int], likely: set[str], previous: str | None
    ) -> LanguageGuess:
        if counts.get("kana", 0) > 0:
            return LanguageGuess("ja", 0.99, True)
        # A few Han characters alone ("二", "了解") are the same in Japanese and Chinese: the
        # conversation, else the locale, decides, without evidence to switch languages.
        han = counts.get("han", 0)
        if han <= _FEW_HAN:
            context = previous if previous in ("ja", "zh") else next(
                (tag for tag in ("ja", "zh") if tag in likely), None)
            if context is not None:
                return LanguageGuess(context, 0.5, True)
        # Simplified forms ("电话") are Chinese; Japanese forms ("電話", "価格") without any
        # simplified one are Japanese in a short text (a long traditional-Chinese text has
        # n-grams enough for lingua; a Chinese locale keeps a short one Chinese).
        japanese_forms, simplified_forms = han_forms(text)
        if simplified_forms and not japanese_forms:
            return LanguageGuess("zh", 0.95, True)
        if (japanese_forms and not simplified_forms and han <= _HAN_FORMS_DECIDE
                and not ("zh" in likely and "ja" not in likely)):
            return LanguageGuess("ja", 0.8, True)
        # Han only: Chinese, unless lingua finds Japanese kanji usage (no kana is rare).
        # Characters both languages write ("料理", "地震予知") are weak evidence when few,
        # so a short text stays below the confidence that keeps a conversation.
        length_share = min(1.0, han / _HAN_FORMS_DECIDE)
        japanese = lingua_probabilities(text, ("ja", "zh")).get("ja", 0.0)
        if japanese > 0.9:
            return LanguageGuess("ja", japanese * (0.5 + 0.5 * length_share), True)
        return LanguageGuess("zh", max(0.9, 1.0 - japanese) * (0.5 + 0.5 * length_share), True)

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

    def latin_scores(
        self, text: str, words: Sequence[str], letters: int, likely: Collection[str] = (),
        previous: str | None = None,
    ) -> dict[str, float]:
        """Log-scale scores of the Latin-script languages for `text` (higher is likelier)."""
        weights = self.weights
        # A few letters ("ok", "hi") are weak evidence; priors decide those.
        strength = min(1.0, letters / weights.letters_for_full_evidence)
        sources: list[tuple[float, float, dict[str, float]]] = []
        lingua = lingua_probabilities(text, _LINGUA_LATIN)
        if lingua:
            lingua["hi-Latn"] = weights.hinglish_share * max(lingua.values())
            sources.append((weights.lingua, weights.lingua_floor, lingua))
        model = self._model_log_probabilities(text, LATIN_LANGUAGES)
        word_evidence = function_word_evidence(words)
        scores: dict[str, float] = {}
        for language in LATIN_LANGUAGES:
            score = sum(
                weight * math.log(probabilities.get(language, 0.0) + floor)
                for weight, floor, probabilities in sources
            )
            if model:  # a language the model never saw gets the floor
                score += weights.model * max(
                    model.get(language, -math.inf), math.log(weights.model_floor))
            score *= strength
            score += weights.words * word_evidence.get(language, 0.0)
            score += weights.bias.get(language, 0.0)
            if language in likely:
                score += math.log(self.locale_weight)
            if language == previous:
                score += math.log(self.previous_weight)
            elif previous is None and not likely and language == DEFAULT_LANGUAGE:
                # Only where the text itself says little: it never outweighs real evidence.
                score += math.log(self.default_weight) * (1.0 - strength)
            scores[language] = score
        return scores

    def _identify_latin(
        self, text: str, words: Sequence[str], letters: int, likely: set[str],
        previous: str | None,
    ) -> LanguageGuess:
        scores = self.latin_scores(text, words, letters, likely, previous)
        best, confidence = _softmax_best(scores, self.weights.confidence_temperature)
        # langdetect calls much Hinglish Indonesian or Somali; romanized Hindi is typed
        # in plain ASCII, so letters with diacritics (Turkish ş, Polish ł) rule it out.
        could_be_hinglish = sum(1 for char in text if char.isalpha() and ord(char) > 127) < 2
        if letters >= _MIN_LETTERS_FOR_FOREIGN and not (best == "hi-Latn" and could_be_hinglish):
            foreign = _unsupported_language(text)
            if foreign is not None:
                return foreign
        return LanguageGuess(best, confidence, True)

    def _model_log_probabilities(self, text: str, languages: Iterable[str]) -> dict[str, float]:
        """Char-model log probabilities over `languages` at the tuned temperature."""
        if self.char_model is None:
            return {}
        classes = list(self.char_model.classes_)
        row = self.char_model.joint_log_likelihood(text)
        wanted = {lang: float(row[classes.index(lang)]) for lang in languages if lang in classes}
        if len(wanted) < 2:
            return {}
        temperature = self.weights.model_temperature
        top = max(wanted.values())
        scaled = {lang: (value - top) / temperature for lang, value in wanted.items()}
        log_total = math.log(sum(math.exp(value) for value in scaled.values()))
        return {lang: value - log_total for lang, value in scaled.items()}


def _identify_by_priors(
    homes: Sequence[str], likely: Collection[str], previous: str | None
) -> LanguageGuess:
    """A greeting or closing every language uses: the conversation, the locale, the word."""
    if previous in SUPPORTED_LANGUAGES:
        return LanguageGuess(previous, PRIOR_ONLY_CONFIDENCE, True)  # type: ignore[arg-type]
    if likely:
        # The locale's own language; Latin letters from a Hindi reader are Hinglish, and an
        # Indian English locale ({"en", "hi-Latn"}) stays English.
        tag = sorted(likely, key=lambda t: (t == "hi-Latn", t))[0]
        tag = "hi-Latn" if tag == "hi" else tag
        return LanguageGuess(tag, PRIOR_ONLY_CONFIDENCE, True)
    home = max(sorted(set(homes)), key=homes.count)
    return LanguageGuess(home, PRIOR_ONLY_CONFIDENCE, True)


def _unsupported_language(text: str) -> LanguageGuess | None:
    """An unsupported language lingua and langdetect agree on, else None.

    lingua (over all its languages) must name it, and langdetect must be sure of it and
    give our languages nothing. lingua asks first because it is fast; langdetect, slow,
    confirms (alone it calls short German commands Afrikaans).
    """
    code = lingua_any_language(text)
    if code is None or code in SUPPORTED_LANGUAGES:
        return None
    detected = langdetect_probabilities(text)
    probability = detected.get(code, 0.0)
    if (
        probability >= _FOREIGN_MIN_PROBABILITY
        and sum(detected.get(lang, 0.0) for lang in LATIN_LANGUAGES) < _LANGDETECT_FLOOR
    ):
        return LanguageGuess(code, probability, False)
    return None


def _words(text: str) -> list[str]:
    """Lower-case words of letters only ("c'est" -> "c", "est"; digits and emoji dropped)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1)
def _word_owners() -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = {}
    for language, words in _FUNCTION_WORDS.items():
        for word in words.split():
            # Customers often type without accents ("cuanto", "nao"): both forms count.
            for form in dict.fromkeys((word, _without_accents(word))):
                if language not in owners.setdefault(form, []):
                    owners[form].append(language)
    return {word: tuple(languages) for word, languages in owners.items()}


def _shortened(word: str) -> str:
    """"dankeee" -> "danke", "jaa" -> "ja": elongated chat spellings of a word."""
    return _DOUBLED_AT_END.sub(r"\1", _TRIPLED.sub(r"\1", word))


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def function_word_evidence(words: Iterable[str]) -> dict[str, float]:
    """Per language, how many of `words` are its function words (shared ones split)."""
    owners = _word_owners()
    evidence: dict[str, float] = {}
    for word in words:
        languages = owners.get(word) or owners.get(_shortened(word), ())
        for language in languages:
            evidence[language] = evidence.get(language, 0.0) + 1.0 / len(languages)
    return evidence


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


def _softmax_best(scores: dict[str, float], temperature: float = 1.0) -> tuple[str, float]:
    top = max(scores.values())
    weights = {lang: math.exp((score - top) / temperature) for lang, score in scores.items()}
    best = max(weights, key=weights.__getitem__)
    return best, weights[best] / sum(weights.values())
