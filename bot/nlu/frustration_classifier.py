"""A supervised frustration classifier: hashed TF-IDF word + character n-grams, logistic regression.

It learns "frustrated or not" from four sources, read when Rasa trains the model:

- our own support-chat examples, frustrated and calm, in every supported language
  (data/frustration/examples/<lang>.yml);
- the calm NLU training examples (intents other than complaints, minus those the lexicons
  flag; `nlu_calm_corpus`), which teach it that support questions are not frustration;
- UMSAB train tweets in its eight languages (negative = frustrated);
- GoEmotions train Reddit comments in English (anger, annoyance, disapproval or
  disappointment = frustrated).

The public data sets are read from the folder named by KESTREL_DATASETS (default
<project>/../shared/datasets) and never copied into the repository; the model keeps only
hashed n-gram weights. Without that folder it trains on the in-repo data alone and logs a
warning that says so.

Why hashing: a vocabulary of character n-grams over 60,000 texts would hold millions of
strings; hashed features keep the model a few MB, fast to load and free of pickles.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse

from bot.config import load_settings
from bot.nlu import MAX_ANALYSED_CHARS

logger = logging.getLogger(__name__)

DATASETS_ENV = "KESTREL_DATASETS"
GOEMOTIONS = "goemotions"
UMSAB = "xlmt_umsab_sentiment"
# Our tag -> UMSAB folder name.
UMSAB_LANGUAGES: dict[str, str] = {
    "en": "english", "de": "german", "es": "spanish", "fr": "french",
    "it": "italian", "pt": "portuguese", "hi": "hindi", "ar": "arabic",
}
UMSAB_NEGATIVE = "0"
FRUSTRATED_EMOTIONS: tuple[str, ...] = ("anger", "annoyance", "disapproval", "disappointment")
# Where a training text comes from, and the domain it stands for (see `sample_weights`).
_DOMAIN: dict[str, str] = {
    "examples": "support", "nlu": "support", "umsab": "tweets", "goemotions": "reddit",
}

_CONFIG_FILE = "frustration_classifier.json"
_WEIGHTS_FILE = "frustration_classifier.npz"
_URL = re.compile(r"https?://\S+|www\.\S+|\bhttps?\b", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d")
_LONG_RUN = re.compile(r"(.)\1{3,}")
# Word characters plus the combining marks Python's \w leaves out (Devanagari vowel signs,
# Arabic harakat), so "नहीं" stays one word.
_WORD_CHARS = (
    "\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u3099\u309a"
)
# Words, and every other non-space character alone (so "!", "?" and emoji count as tokens).
_TOKEN = re.compile(f"[{_WORD_CHARS}]+|[^{_WORD_CHARS}\\s]")
_CLAUSE_END = frozenset(".,;:!?¿¡。、！？،؛")
# Words that negate the next words ("not bad", "pas mal", "kein Problem"): those words get
# a mark, so "bad" after "not" is another feature than "bad". Japanese and Chinese negate
# inside the word (ない, 不), which character n-grams already see.
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset("not no never nothing nobody cannot without hardly nor".split()),
    "de": frozenset("nicht kein keine keinen keinem keiner keines nie niemals nichts ohne".split()),
    "fr": frozenset("pas jamais rien sans aucun aucune ni".split()),
    "es": frozenset("no nunca nada sin ningún ninguna ninguno ni tampoco".split()),
    "it": frozenset("non mai niente nulla senza nessun nessuno nessuna né".split()),
    "pt": frozenset("não nao nunca nada sem nenhum nenhuma nem".split()),
    "hi-Latn": frozenset("nahi nahin nhi nai na mat bina".split()),
    "hi": frozenset("नहीं नही न मत बिना".split()),
    "ar": frozenset("لا ما مش مو ليس لم لن بدون غير مافي".split()),
}
NEGATION_SCOPE = 2
_MENTION_OR_URL = re.compile(r"@\w+|https?\S*|\bhttp\b|\burl\b", re.IGNORECASE)


@dataclass(frozen=True)
class ClassifierConfig:
    """How the classifier is built and trained (chosen on dev splits; see bench report)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 5)
    word_features: int = 2**18
    char_features: int = 2**19
    # A second copy of each word n-gram prefixed with the language tag, so that a word can
    # weigh differently per language while what the languages share is still learnt once.
    language_copies: bool = True
    regularization: float = 2.0
    max_iter: int = 1000
    # Total weight of each domain relative to UMSAB's tweets (see `sample_weights`):
    # GoEmotions alone is 43,410 comments and would otherwise drown the rest.
    goemotions_weight: float = 0.3
    support_weight: float = 0.5

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ClassifierConfig:
        """The config from its JSON form (lists back to tuples, unknown keys ignored)."""
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        for name in ("word_ngrams", "char_ngrams"):
            if name in known:
                known[name] = tuple(known[name])
        return cls(**known)


@dataclass
class Corpus:
    """Labelled texts for training or evaluation."""

    texts: list[str] = field(default_factory=list)
    labels: list[bool] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, frustrated: bool, language: str, source: str) -> None:
        """Appends one labelled text."""
        self.texts.append(text)
        self.labels.append(frustrated)
        self.languages.append(language)
        self.sources.append(source)

    def extend(self, other: Corpus) -> None:
        """Appends every text of `other`."""
        self.texts += other.texts
        self.labels += other.labels
        self.languages += other.languages
        self.sources += other.sources

    def __len__(self) -> int:
        return len(self.texts)

    def summary(self) -> dict[str, dict[str, int]]:
        """{source: {"n", "frustrated"}}."""
        counts: dict[str, dict[str, int]] = {}
        for label, source in zip(self.labels, self.sources, strict=True):
            row = counts.setdefault(source, {"n": 0, "frustrated": 0})
            row["n"] += 1
            row["frustrated"] += int(label)
        return counts


# ---------------------------------------------------------------------------- data


def datasets_root() -> Path:
    """Where the public data sets are: $KESTREL_DATASETS or <project>/../shared/datasets."""
    override = os.environ.get(DATASETS_ENV)
    if override:
        return Path(override).expanduser()
    return load_settings().project_root.parent / "shared" / "datasets"


def examples_dir() -> Path:
    """data/frustration/examples: our own frustrated and calm support-chat messages."""
    return load_settings().data_dir / "frustration" / "examples"


def hindi_tag(text: str) -> str:
    """"hi-Latn" for Hindi mostly in ASCII letters (mentions and URLs ignored), else "hi"."""
    letters = [char for char in _MENTION_OR_URL.sub(" ", text) if char.isalpha()]
    if not letters:
        return "hi"
    return "hi-Latn" if sum(char.isascii() for char in letters) / len(letters) > 0.5 else "hi"


def read_examples(directory: Path) -> Corpus:
    """Our examples: data/frustration/examples/<lang>.yml with `frustrated:` and `calm:` lists."""
    corpus = Corpus()
    for path in sorted(directory.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        language = str(content.get("language", path.stem))
        for key, frustrated in (("frustrated", True), ("calm", False)):
            for text in content.get(key) or []:
                corpus.add(str(text), frustrated, language, "examples")
    return corpus


# Intents whose messages may well be frustrated; their NLU examples are not used as calm.
COMPLAINT_INTENTS: frozenset[str] = frozenset({"deny", "request_human", "ticket_status"})


def nlu_calm_corpus(
    rows: Iterable[tuple[str, str, str | None]],
    looks_frustrated: Callable[[str, str], bool],
) -> Corpus:
    """Calm support messages from the NLU training examples: (intent, text, language) rows.

    Why: they are thousands of real-shaped support questions in every language, and the
    public data (tweets, Reddit) teaches that words like "broken" or "not arrived" are
    negative. Complaint intents are left out, and so is any example the lexicons already
    find frustrated (venting with a question is legitimately in FAQ training data).
    """
    corpus = Corpus()
    for intent, text, language in rows:
        if not language or intent.split("/")[0] in COMPLAINT_INTENTS:
            continue
        if not looks_frustrated(text, language):
            corpus.add(text, False, language, "nlu")
    return corpus


def read_goemotions(root: Path, split: str) -> Corpus:
    """GoEmotions `split`.tsv (tab-separated, CSV quoting); frustrated = FRUSTRATED_EMOTIONS."""
    folder = root / GOEMOTIONS
    emotions = (folder / "emotions.txt").read_text(encoding="utf-8").split()
    frustrated_ids = {str(emotions.index(name)) for name in FRUSTRATED_EMOTIONS}
    corpus = Corpus()
    with (folder / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) >= 2:
                corpus.add(row[0], bool(frustrated_ids & set(row[1].split(","))), "en",
                           "goemotions")
    return corpus


def read_umsab(root: Path, language: str, split: str) -> Corpus:
    """UMSAB `split` tweets of one language (train, val or test); frustrated = negative.

    Hindi tweets are tagged "hi-Latn" when written in Latin letters (see `hindi_tag`).
    """
    folder = root / UMSAB / UMSAB_LANGUAGES[language]
    texts = _lines(folder / f"{split}_text.txt")
    labels = _lines(folder / f"{split}_labels.txt")
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels in {split}")
    corpus = Corpus()
    for text, label in zip(texts, labels, strict=True):
        tag = hindi_tag(text) if language == "hi" else language
        corpus.add(text, label.strip() == UMSAB_NEGATIVE, tag, "umsab")
    return corpus


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def training_files(root: Path) -> list[Path]:
    """The public training files the classifier reads (those that exist)."""
    paths = [root / GOEMOTIONS / "train.tsv", root / GOEMOTIONS / "emotions.txt"]
    for folder in UMSAB_LANGUAGES.values():
        paths += [root / UMSAB / folder / f"train_{kind}.txt" for kind in ("text", "labels")]
    return [path for path in paths if path.is_file()]


def training_corpus(
    examples: Path | None = None, datasets: Path | None = None
) -> tuple[Corpus, list[str]]:
    """Our examples plus the public TRAINING splits that are present.

    Returns:
        The corpus and one message per public source that was missing.
    """
    corpus = read_examples(examples or examples_dir())
    root = datasets or datasets_root()
    missing: list[str] = []
    if (root / GOEMOTIONS / "train.tsv").is_file():
        corpus.extend(read_goemotions(root, "train"))
    else:
        missing.append(f"GoEmotions train.tsv not found under {root / GOEMOTIONS}")
    for language, folder in UMSAB_LANGUAGES.items():
        if (root / UMSAB / folder / "train_text.txt").is_file():
            corpus.extend(read_umsab(root, language, "train"))
        else:
            missing.append(f"UMSAB {folder} train not found under {root / UMSAB}")
    return corpus, missing


def fingerprint(examples: Path | None = None, datasets: Path | None = None) -> str:
    """A digest of everything training reads, so Rasa retrains when any of it changes."""
    digest = hashlib.sha256()
    root = datasets or datasets_root()
    for path in [*sorted((examples or examples_dir()).glob("*.yml")), *training_files(root)]:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------- features


def prepare(text: str) -> str:
    """The text the features see: NFKC, lower case, no URLs or @names, digits as 0.

    NFKC folds Arabic presentation forms and full-width letters into ordinary ones; long
    runs of a character ("soooo", "!!!!!!") are cut to three so they share features.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_ANALYSED_CHARS]).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" @user ", text)
    text = _DIGITS.sub("0", text)
    return _LONG_RUN.sub(r"\1\1\1", text)


def _negation_marked(tokens: list[str], language: str) -> list[str]:
    """Tokens with the NEGATION_SCOPE words after a negation marked "~" (up to a clause end)."""
    negations = NEGATIONS.get(language, frozenset())
    marked, scope = [], 0
    for token in tokens:
        if token in _CLAUSE_END:
            scope = 0
            marked.append(token)
        elif scope and token[0] not in _CLAUSE_END and token not in negations:
            marked.append("~" + token)
            scope -= 1
        else:
            marked.append(token)
            scope = NEGATION_SCOPE if token in negations else 0
    return marked


def _word_ngrams(text: str, language: str, low: int, high: int, copies: bool) -> list[str]:
    # "doesn't" -> "does not": one negation word for every English contraction.
    tokens = _negation_marked(_TOKEN.findall(text.replace("n't", " not")), language)
    grams = [
        " ".join(tokens[i:i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1)
    ]
    if copies:
        grams += [f"{language}|{gram}" for gram in grams]
    return grams


class _Featurizer:
    """Hashed word and character n-grams with sublinear TF-IDF, each block L2-normalised."""

    def __init__(self, config: ClassifierConfig) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.config = config
        # The word analyzer gets "<language>\t<text>" so it can add language copies.
        self.words = HashingVectorizer(
            n_features=config.word_features, alternate_sign=False, norm=None,
            analyzer=self._analyze_words, dtype=np.float32,
        )
        self.chars = HashingVectorizer(
            n_features=config.char_features, alternate_sign=False, norm=None,
            analyzer="char_wb", ngram_range=config.char_ngrams, lowercase=False,
            dtype=np.float32,
        )

    def _analyze_words(self, document: str) -> list[str]:
        language, _, text = document.partition("\t")
        low, high = self.config.word_ngrams
        return _word_ngrams(text, language, low, high, self.config.language_copies)

    def counts(
        self, texts: Sequence[str], languages: Sequence[str]
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Raw n-gram counts of the prepared texts: (words, characters)."""
        prepared = [prepare(text) for text in texts]
        words = self.words.transform(
            [f"{lang}\t{text}" for lang, text in zip(languages, prepared, strict=True)]
        )
        return words, self.chars.transform(prepared)


def _idf(counts: sparse.csr_matrix) -> np.ndarray:
    """scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return (np.log((1 + counts.shape[0]) / (1 + df)) + 1).astype(np.float32)


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf (1 + ln tf) times idf, each row L2-normalised."""
    from sklearn.preprocessing import normalize

    weighted = counts.copy()
    weighted.data = (1 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted, copy=False)


def _block_scores(counts: sparse.csr_matrix, idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Each row's dot product of its L2-normalised sublinear TF-IDF vector with `coef`.

    The same numbers as `_tfidf(counts, idf) @ coef`, computed on the CSR arrays: building
    new sparse matrices cost more than the arithmetic for one message.
    """
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    weights = (1 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=counts.shape[0]))
    dots = np.bincount(rows, weights=weights * coef[counts.indices], minlength=counts.shape[0])
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


# ---------------------------------------------------------------------------- model


class FrustrationClassifier:
    """P(frustrated | text, language) from a linear model over hashed n-grams."""

    def __init__(
        self,
        config: ClassifierConfig,
        word_idf: np.ndarray,
        char_idf: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        info: dict[str, Any] | None = None,
    ) -> None:
        """Creates the classifier from its learnt arrays (see `train` and `load`)."""
        self.config = config
        self.word_idf = word_idf
        self.char_idf = char_idf
        self.coef = coef
        self.intercept = intercept
        self.info = info or {}
        self._featurizer = _Featurizer(config)

    @classmethod
    def train(cls, corpus: Corpus, config: ClassifierConfig | None = None) -> FrustrationClassifier:
        """Fits the model on `corpus` (each source and class weighted as `config` says)."""
        from sklearn.linear_model import LogisticRegression

        config = config or ClassifierConfig()
        if len(set(corpus.labels)) < 2:
            raise ValueError("training needs frustrated and calm texts")
        started = time.perf_counter()
        featurizer = _Featurizer(config)
        words, chars = featurizer.counts(corpus.texts, corpus.languages)
        word_idf, char_idf = _idf(words), _idf(chars)
        features = sparse.hstack(
            [_tfidf(words, word_idf), _tfidf(chars, char_idf)], format="csr"
        )
        weights = sample_weights(corpus, config)
        model = LogisticRegression(
            C=config.regularization, solver="liblinear", dual=True, max_iter=config.max_iter,
            random_state=0,
        )
        model.fit(features, np.asarray(corpus.labels), sample_weight=weights)
        info = {
            "trained_on": corpus.summary(),
            "train_seconds": round(time.perf_counter() - started, 2),
        }
        return cls(
            config, word_idf, char_idf, model.coef_[0].astype(np.float32),
            float(model.intercept_[0]), info,
        )

    def probabilities(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """P(frustrated) for each text, read in its language."""
        if not texts:
            return np.zeros(0)
        words, chars = self._featurizer.counts(texts, languages)
        split = self.config.word_features
        logits = (
            _block_scores(words, self.word_idf, self.coef[:split])
            + _block_scores(chars, self.char_idf, self.coef[split:])
            + self.intercept
        )
        return 1.0 / (1.0 + np.exp(-logits))

    def probability(self, text: str, language: str) -> float:
        """P(frustrated) for one text."""
        return float(self.probabilities([text], [language])[0])

    def save(self, directory: Path) -> None:
        """Writes the config (JSON) and the arrays (NumPy, compressed, no pickle)."""
        directory.mkdir(parents=True, exist_ok=True)
        content = {"config": asdict(self.config), "intercept": self.intercept, "info": self.info}
        (directory / _CONFIG_FILE).write_text(json.dumps(content, indent=1), encoding="utf-8")
        np.savez_compressed(
            directory / _WEIGHTS_FILE, word_idf=self.word_idf, char_idf=self.char_idf,
            coef=self.coef,
        )

    @classmethod
    def load(cls, directory: Path) -> FrustrationClassifier:
        """Reads a classifier written by `save`; raises FileNotFoundError when there is none."""
        content = json.loads((directory / _CONFIG_FILE).read_text(encoding="utf-8"))
        with np.load(directory / _WEIGHTS_FILE, allow_pickle=False) as arrays:
            return cls(
                ClassifierConfig.from_dict(content["config"]), arrays["word_idf"],
                arrays["char_idf"], arrays["coef"], float(content["intercept"]),
                content.get("info") or {},
            )

    @staticmethod
    def saved_size(directory: Path) -> int:
        """Bytes on disk of a saved classifier."""
        return sum((directory / name).stat().st_size for name in (_CONFIG_FILE, _WEIGHTS_FILE))


def sample_weights(corpus: Corpus, config: ClassifierConfig) -> np.ndarray:
    """Per-text weights: each domain gets its total weight, split evenly between the classes.

    Domains: tweets (UMSAB, total weight 1 per tweet), Reddit (GoEmotions) and support chat
    (our examples plus the calm NLU training examples), the last two relative to UMSAB's
    size. Balancing the classes inside each domain (not over the whole corpus) makes a
    probability of 0.5 even odds in tweets, Reddit comments and support chat alike, although
    their shares of frustrated texts differ (33%, 16%, under 10%).
    """
    domains = [_DOMAIN[source] for source in corpus.sources]
    reference = sum(domain == "tweets" for domain in domains) or len(corpus)
    totals = {
        "tweets": float(reference),
        "reddit": config.goemotions_weight * reference,
        "support": config.support_weight * reference,
    }
    counts = Counter(zip(domains, corpus.labels, strict=True))
    weights = np.empty(len(corpus), dtype=np.float64)
    for i, key in enumerate(zip(domains, corpus.labels, strict=True)):
        classes = sum(1 for label in (True, False) if counts[(key[0], label)])
        weights[i] = totals[key[0]] / classes / counts[key]
    # Mean weight 1 keeps the regularisation strength comparable across corpora.
    return weights * len(corpus) / weights.sum()


def train_default(
    examples: Path | None = None,
    datasets: Path | None = None,
    config: ClassifierConfig | None = None,
    extra: Corpus | None = None,
) -> tuple[FrustrationClassifier, list[str]]:
    """Trains on our examples, the public training splits that are present, and `extra`.

    Args:
        examples: folder of our examples (default data/frustration/examples).
        datasets: folder of the public data sets (default `datasets_root()`).
        config: how to build the model (default `ClassifierConfig()`).
        extra: more labelled texts, e.g. `nlu_calm_corpus` of the NLU training data.

    Returns:
        The classifier and one message per missing public source (each logged).
    """
    corpus, missing = training_corpus(examples, datasets)
    if extra is not None:
        corpus.extend(extra)
    for message in missing:
        logger.warning("Frustration classifier: %s; training without it.", message)
    if len(missing) == 1 + len(UMSAB_LANGUAGES):
        logger.warning(
            "Frustration classifier: no public data sets at %s (set %s); trained on the "
            "in-repo examples alone (data/frustration/examples and calm NLU examples, "
            "%d texts).", datasets or datasets_root(), DATASETS_ENV, len(corpus),
        )
    classifier = FrustrationClassifier.train(corpus, config)
    classifier.info["missing"] = missing
    return classifier, missing
