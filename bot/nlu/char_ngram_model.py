"""A character n-gram Naive Bayes language model that loads in milliseconds.

It is fitted with scikit-learn (CountVectorizer + MultinomialNB) and kept as plain arrays:
a vocabulary and the per-class log probabilities. Loading needs neither pickle nor skops
(whose import alone took 5 s of every Rasa start), and prediction is one sparse sum.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

NGRAM_RANGE = (1, 4)
_VOCABULARY_FILE = "vocabulary.json"
_WEIGHTS_FILE = "weights.npz"


class CharNgramModel:
    """text -> probability per class, from character n-grams within word boundaries."""

    def __init__(
        self, classes: Sequence[str], vocabulary: dict[str, int],
        feature_log_prob: np.ndarray, class_log_prior: np.ndarray,
    ) -> None:
        """Creates a fitted model from its arrays (see `fit` and `load`)."""
        self.classes_ = list(classes)
        self.vocabulary = vocabulary
        self.feature_log_prob = feature_log_prob
        self.class_log_prior = class_log_prior
        self._analyzer = _analyzer()

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str]) -> CharNgramModel:
        """Fits on labelled texts (our multilingual NLU training examples)."""
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, min_df=2)
        counts = vectorizer.fit_transform(list(texts))
        bayes = MultinomialNB(alpha=0.1).fit(counts, list(labels))
        vocabulary = {str(gram): int(index) for gram, index in vectorizer.vocabulary_.items()}
        return cls([str(c) for c in bayes.classes_], vocabulary,
                   bayes.feature_log_prob_, bayes.class_log_prior_)

    def joint_log_likelihood(self, text: str) -> np.ndarray:
        """The log prior of each class plus the log likelihood of the known n-grams of `text`."""
        grams = Counter(
            self.vocabulary[gram] for gram in self._analyzer(text) if gram in self.vocabulary
        )
        joint = self.class_log_prior.copy()
        if grams:
            indices = np.fromiter(grams.keys(), dtype=np.int64)
            weights = np.fromiter(grams.values(), dtype=np.float64)
            joint += self.feature_log_prob[:, indices] @ weights
        return joint

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row of class probabilities per text (columns in `classes_` order)."""
        rows = []
        for text in texts:
            joint = self.joint_log_likelihood(text)
            joint -= joint.max()
            probabilities = np.exp(joint)
            rows.append(probabilities / probabilities.sum())
        return np.vstack(rows) if rows else np.zeros((0, len(self.classes_)))

    def save(self, directory: Path) -> None:
        """Writes the vocabulary (JSON) and the weights (NumPy, no pickle)."""
        with (directory / _VOCABULARY_FILE).open("w", encoding="utf-8") as handle:
            json.dump({"classes": self.classes_, "vocabulary": self.vocabulary}, handle,
                      ensure_ascii=False)
        np.savez(directory / _WEIGHTS_FILE, feature_log_prob=self.feature_log_prob,
                 class_log_prior=self.class_log_prior)

    @classmethod
    def load(cls, directory: Path) -> CharNgramModel:
        """Reads a model written by `save`; raises FileNotFoundError when there is none."""
        with (directory / _VOCABULARY_FILE).open(encoding="utf-8") as handle:
            content = json.load(handle)
        with np.load(directory / _WEIGHTS_FILE, allow_pickle=False) as weights:
            return cls(content["classes"], content["vocabulary"],
                       weights["feature_log_prob"], weights["class_log_prior"])


def _analyzer() -> Callable[[str], list[str]]:
    """scikit-learn's own char_wb analyzer, so that fitting and prediction agree exactly."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE).build_analyzer()
