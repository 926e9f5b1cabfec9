"""One linear model for every intent and FAQ topic, in every language.

A flat label set ("order_status", "faq/warranty", ...) lets the FAQ topic and the intent
agree: a long FAQ question competes topic against intent, and is not lost to a generic
intent the way a separate intent classifier plus response selector lost it.

Features: TF-IDF with sublinear term frequency over character n-grams (1-4, within word
boundaries; they carry typos, inflection and the unsegmented ja/zh scripts) and word
uni- and bigrams. Classifier: a linear SVM with balanced class weights, calibrated to
probabilities on cross-validated scores (Platt scaling), so the fallback threshold and
the ranking mean something. Trains in seconds on 2 cores (bench/reports/nlu.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

# Letters of any script, numbers, or a single symbol (emoji, "?") as one word.
WORD_PATTERN = r"(?u)[^\W\d_]+|\d+|[^\w\s]"


def normalise(text: str) -> str:
    """Compatibility forms (full-width digits, ligatures) folded, case removed."""
    return unicodedata.normalize("NFKC", text).casefold()


class IntentModel:
    """Sparse TF-IDF features and a calibrated linear SVM over flat labels."""

    def __init__(self, c: float = 1.0, max_char_ngram: int = 4, folds: int = 3) -> None:
        self.c = c
        self.folds = folds
        self.vectorizers = [
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(1, max_char_ngram),
                sublinear_tf=True,
                preprocessor=normalise,
                dtype=np.float32,
            ),
            TfidfVectorizer(
                analyzer="word",
                token_pattern=WORD_PATTERN,
                ngram_range=(1, 2),
                sublinear_tf=True,
                preprocessor=normalise,
                dtype=np.float32,
            ),
        ]
        self.classifier: CalibratedClassifierCV | None = None

    @property
    def labels(self) -> list[str]:
        """Labels in the column order of `probabilities`."""
        return [] if self.classifier is None else [str(x) for x in self.classifier.classes_]

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> IntentModel:
        """Learns the vocabulary and the classifier."""
        features = hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()
        svm = LinearSVC(C=self.c, class_weight="balanced")
        folds = min(self.folds, min(np.unique(labels, return_counts=True)[1]))
        # ensemble=False: one SVM on all the data, calibrated on cross-validated scores
        # (averaging the fold models instead was less accurate and three times larger).
        self.classifier = CalibratedClassifierCV(
            svm, cv=max(2, folds), method="sigmoid", ensemble=False
        )
        self.classifier.fit(features, np.asarray(labels))
        return self

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The feature rows of `texts`."""
        return hstack([v.transform(texts) for v in self.vectorizers]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row of label probabilities per text; all zeros for a text without features."""
        if self.classifier is None or not texts:
            return np.zeros((len(texts), len(self.labels)))
        features = self.features(texts)
        result = self.classifier.predict_proba(features)
        result[np.asarray(features.getnnz(axis=1)) == 0] = 0.0
        return result
