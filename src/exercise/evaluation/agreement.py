"""Inter-rater agreement on the ordinal HSEEP scale P > S > M > U.

Pure functions over ratings (``"P"``, ``"S"``, ``"M"``, ``"U"``):

- exact agreement: the share of rater pairs, over the tasks, that gave the same rating;
- adjacent agreement: the share that gave the same or a neighbouring rating (P/S, S/M, M/U);
- weighted Cohen's kappa for two raters (linear disagreement weights ``|i-j|/3``, or
  quadratic), which counts a P against an S as a smaller disagreement than a P against a U;
- Fleiss' kappa for three or more raters (nominal: it has no weighted form in common use).

A kappa is ``None`` (undefined) when chance alone would give full agreement: every rating
of every rater in one single category. The formulas are the textbook ones (Cohen 1968,
Fleiss 1971); they are a few lines each and checked against hand-computed examples in the
tests, which is why no statistics library is pulled in for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import attrs

from exercise.i18n import N_

SCALE = ("P", "S", "M", "U")
_INDEX = {r: i for i, r in enumerate(SCALE)}


def _index(rating: str) -> int:
    try:
        return _INDEX[rating]
    except KeyError:
        raise ValueError(f"a rating is one of P, S, M, U, not {rating!r}") from None


def exact_agreement(items: Sequence[Sequence[str]]) -> float | None:
    """Share of agreeing rater pairs over ``items`` (each the ratings one task got)."""
    return _pairwise(items, 0)


def adjacent_agreement(items: Sequence[Sequence[str]]) -> float | None:
    """Share of rater pairs at most one step apart on the scale."""
    return _pairwise(items, 1)


def _pairwise(items: Sequence[Sequence[str]], tolerance: int) -> float | None:
    agree = total = 0
    for ratings in items:
        for a, b in itertools.combinations(ratings, 2):
            total += 1
            agree += abs(_index(a) - _index(b)) <= tolerance
    return agree / total if total else None


def weighted_kappa(a: Sequence[str], b: Sequence[str], weights: str = "linear") -> float | None:
    """Cohen's weighted kappa of two raters' ratings of the same tasks, in order.

    ``1 - sum(w * observed) / sum(w * expected)`` with disagreement weights
    ``|i-j|/3`` (linear) or ``(|i-j|/3)**2`` (quadratic) over the 4x4 table."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same tasks")
    if weights not in ("linear", "quadratic"):
        raise ValueError("weights are linear or quadratic")
    n = len(a)
    if n == 0:
        return None
    k = len(SCALE)
    power = 1 if weights == "linear" else 2
    w = [[(abs(i - j) / (k - 1)) ** power for j in range(k)] for i in range(k)]
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[_index(x)][_index(y)] += 1 / n
    rows = [sum(row) for row in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    disagree_obs = sum(w[i][j] * observed[i][j] for i in range(k) for j in range(k))
    disagree_exp = sum(w[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k))
    if disagree_exp == 0:
        return None
    return 1 - disagree_obs / disagree_exp


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa: each item rated by the same number (two or more) of raters."""
    if not items:
        return None
    m = len(items[0])
    if m < 2 or any(len(r) != m for r in items):
        raise ValueError("every task must have the same number (at least two) of ratings")
    n_items = len(items)
    counts = [[0] * len(SCALE) for _ in items]
    for row, ratings in zip(counts, items, strict=True):
        for r in ratings:
            row[_index(r)] += 1
    p_i = [(sum(c * c for c in row) - m) / (m * (m - 1)) for row in counts]
    p_bar = sum(p_i) / n_items
    p_j = [sum(row[j] for row in counts) / (n_items * m) for j in range(len(SCALE))]
    p_e = sum(p * p for p in p_j)
    if p_e >= 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


@attrs.frozen
class Agreement:
    """Agreement of ``raters`` over the ``tasks`` every one of them rated."""

    raters: tuple[str, ...]
    tasks: int
    exact: float | None
    adjacent: float | None
    kappa: float | None
    method: str  # "weighted Cohen's kappa (linear)" or "Fleiss' kappa" (English; N_-marked)


def agreement(ratings: Mapping[str, Mapping[str, str]]) -> Agreement | None:
    """Agreement among raters (``rater -> task -> rating``) over the tasks all of them
    rated; None with fewer than two raters."""
    raters = tuple(sorted(r for r, tasks in ratings.items() if tasks))
    if len(raters) < 2:
        return None
    common = sorted(set.intersection(*(set(ratings[r]) for r in raters)))
    items = [[ratings[r][t] for r in raters] for t in common]
    if len(raters) == 2:
        kappa = weighted_kappa([i[0] for i in items], [i[1] for i in items])
        method = N_("weighted Cohen's kappa (linear)")
    else:
        kappa = fleiss_kappa(items) if items else None
        method = N_("Fleiss' kappa")
    return Agreement(
        raters=raters,
        tasks=len(common),
        exact=exact_agreement(items),
        adjacent=adjacent_agreement(items),
        kappa=kappa,
        method=method,
    )


def interpret(kappa: float | None) -> str:
    """Landis and Koch's words for a kappa (in English, marked for translation: show
    them through ``exercise.i18n._``)."""
    if kappa is None:
        return N_("undefined (all ratings in one category)")
    if kappa < 0:
        return N_("poor")
    for bound, words in (
        (0.2, N_("slight")),
        (0.4, N_("fair")),
        (0.6, N_("moderate")),
        (0.8, N_("substantial")),
    ):
        if kappa <= bound:
            return words
    return N_("almost perfect")
