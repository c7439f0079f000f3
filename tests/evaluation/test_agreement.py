"""Agreement figures against hand-computed examples (the working is in the comments)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.evaluation import (
    adjacent_agreement,
    agreement,
    exact_agreement,
    fleiss_kappa,
    interpret,
    weighted_kappa,
)

ratings = st.sampled_from("PSMU")


def test_perfect_agreement_is_one() -> None:
    a = list("PSMU")
    assert weighted_kappa(a, a) == pytest.approx(1.0)
    assert exact_agreement(list(zip(a, a, strict=True))) == 1.0


def test_chance_level_is_zero() -> None:
    # P/U tables: every cell 1/4 observed, and 1/2 x 1/2 = 1/4 expected: kappa 0.
    a, b = list("PPUU"), list("PUPU")
    assert weighted_kappa(a, b) == pytest.approx(0.0)
    items = list(zip(a, b, strict=True))
    assert exact_agreement(items) == 0.5
    assert adjacent_agreement(items) == 0.5  # P against U is three steps apart


def test_weighted_kappa_by_hand() -> None:
    # Observed 1/4 each on (P,S) (S,S) (M,M) (U,U); only (P,S) disagrees, by 1/3:
    # observed disagreement 1/12. Margins: rows 1/4 each, columns P0 S1/2 M1/4 U1/4;
    # expected disagreement 1/4 x (7/12 + 3/12 + 3/12 + 5/12) = 3/8. kappa = 1 - 2/9.
    a, b = list("PSMU"), list("SSMU")
    assert weighted_kappa(a, b) == pytest.approx(7 / 9)
    items = list(zip(a, b, strict=True))
    assert exact_agreement(items) == 0.75
    assert adjacent_agreement(items) == 1.0


def test_quadratic_weights_by_hand() -> None:
    # Same table, weights (|i-j|/3)^2: observed 1/36; expected 1/4 x (
    #   P: 1/9*1/2 + 4/9*1/4 + 1*1/4 = 1/18+1/9+1/4 = 15/36
    #   S: 1/9*1/4 + 4/9*1/4 = 5/36;  M: 1/9*1/2 + 1/9*1/4 = 3/36;  U: 4/9*1/2 + 1/9*1/4 = 9/36)
    # = 1/4 x 32/36 = 2/9. kappa = 1 - (1/36)/(2/9) = 7/8.
    assert weighted_kappa(list("PSMU"), list("SSMU"), "quadratic") == pytest.approx(7 / 8)


def test_single_category_is_undefined() -> None:
    assert weighted_kappa(list("PPP"), list("PPP")) is None
    assert fleiss_kappa([list("SSS"), list("SSS")]) is None
    assert "undefined" in interpret(None)


def test_fleiss_by_hand() -> None:
    # Items PPP, SSS, PPS, MMM: P_i = 1, 1, 1/3, 1 -> mean 5/6. Shares P 5/12, S 4/12,
    # M 3/12 -> P_e = 50/144. kappa = (5/6 - 25/72) / (1 - 25/72) = 35/47.
    items = [list("PPP"), list("SSS"), list("PPS"), list("MMM")]
    assert fleiss_kappa(items) == pytest.approx(35 / 47)
    assert fleiss_kappa([list("PPP"), list("SSS")]) == pytest.approx(1.0)
    # Two raters always disagreeing over two categories: P_bar 0, P_e 1/2 -> -1.
    assert fleiss_kappa([list("PU"), list("UP")]) == pytest.approx(-1.0)


def test_agreement_uses_tasks_every_rater_rated() -> None:
    found = agreement({"ana": {"t1": "P", "t2": "S", "t3": "M"}, "ben": {"t1": "P", "t2": "M"}})
    assert found is not None
    assert (found.raters, found.tasks, found.exact, found.adjacent) == (
        ("ana", "ben"),
        2,
        0.5,
        1.0,
    )
    assert found.method.startswith("weighted Cohen")
    three = agreement({"a": {"t": "P", "u": "S"}, "b": {"t": "P", "u": "S"}, "c": {"t": "P"}})
    assert three is not None and three.method == "Fleiss' kappa" and three.tasks == 1
    assert agreement({"alone": {"t": "P"}}) is None


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="P, S, M, U"):
        weighted_kappa(["X"], ["P"])
    with pytest.raises(ValueError, match="same tasks"):
        weighted_kappa(["P"], [])
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([list("PP"), list("PPP")])


@given(st.lists(st.tuples(ratings, ratings), min_size=1, max_size=30))
def test_kappa_properties(pairs: list[tuple[str, str]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    k = weighted_kappa(a, b)
    assert k == weighted_kappa(b, a) or (k is not None and k == pytest.approx(weighted_kappa(b, a)))
    if k is not None:
        assert -1.0 - 1e-9 <= k <= 1.0 + 1e-9
    if a == b and k is not None:
        assert k == pytest.approx(1.0)
    assert exact_agreement(pairs) <= adjacent_agreement(pairs)  # type: ignore[operator]
    f = fleiss_kappa([list(p) for p in pairs])
    if f is not None:
        assert f <= 1.0 + 1e-9


def test_interpretation_words() -> None:
    assert interpret(-0.1) == "poor"
    assert interpret(0.1) == "slight"
    assert interpret(0.7) == "substantial"
    assert interpret(0.95) == "almost perfect"
