"""Confidence intervals for the benchmark reports: every accuracy is shown with one."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

Z95 = 1.959963984540054


def wilson(correct: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound near 0% and 100%)."""
    if n == 0:
        return (0.0, 1.0)
    p = correct / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def macro_interval(rows: Sequence[tuple[int, int]]) -> tuple[float, float]:
    """95% interval of an unweighted mean of independent proportions (correct, n).

    Normal approximation of the mean; each group's variance uses its Wilson-adjusted
    proportion so that a group at 100% still adds some uncertainty.
    """
    rows = [(k, n) for k, n in rows if n > 0]
    if not rows:
        return (0.0, 1.0)
    mean = statistics.mean(k / n for k, n in rows)
    variance = 0.0
    for k, n in rows:
        adjusted = (k + 2) / (n + 4)
        variance += adjusted * (1 - adjusted) / n
    half = Z95 * math.sqrt(variance) / len(rows)
    return (max(0.0, mean - half), min(1.0, mean + half))


def ci(interval: tuple[float, float]) -> str:
    """"[97.1, 98.0]" in percent."""
    return f"[{100 * interval[0]:.1f}, {100 * interval[1]:.1f}]"


def wilson_interval(successes: int, n: int) -> tuple[float, float] | None:
    """`wilson`, or None when there is nothing to measure (n = 0)."""
    return wilson(successes, n) if n > 0 else None


def f1_resamples(
    gold: Sequence[bool], predicted: Sequence[bool], resamples: int = 1000, seed: int = 0
) -> list[float]:
    """F1 of the positive class on `resamples` bootstrap resamples of the items (seeded).

    Resamples of different systems on the same items and seed use the same indices, so
    their differences can be bootstrapped too.
    """
    import numpy as np

    gold_array = np.asarray(gold, dtype=bool)
    predicted_array = np.asarray(predicted, dtype=bool)
    n = len(gold_array)
    if n == 0:
        return []
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n, size=(resamples, n))
    g, p = gold_array[indices], predicted_array[indices]
    tp = (g & p).sum(axis=1)
    denominator = g.sum(axis=1) + p.sum(axis=1)
    return [float(v) for v in np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)]


def percentile_interval(
    samples: Sequence[float], level: float = 0.95
) -> tuple[float, float] | None:
    """The central `level` interval of bootstrap samples (percentile method)."""
    if not samples:
        return None
    ordered = sorted(samples)
    low = ordered[int((1 - level) / 2 * (len(ordered) - 1))]
    high = ordered[int((1 + level) / 2 * (len(ordered) - 1))]
    return low, high


def interval_text(interval: tuple[float, float] | None, percent: bool = False) -> str:
    """"[0.512, 0.561]" (or "[1.2%, 4.5%]" with percent), or "n/a"."""
    if interval is None:
        return "n/a"
    if percent:
        return f"[{100 * interval[0]:.1f}%, {100 * interval[1]:.1f}%]"
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]"

