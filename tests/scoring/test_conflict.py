"""When the points' rating and the evaluators' observations conflict: an area for
improvement is compatible with S, M and U, not with P; strengths alone are not
compatible with M or U. The consoles, ``exercise score`` and the report all show the
engine's ``ObjectiveScore.conflict``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exercise.scoring.scorer import conflict

SEQS = st.lists(st.integers(1, 500), max_size=3).map(tuple)


def test_an_area_for_improvement_is_compatible_with_s() -> None:
    assert conflict("S", (), (12,)) == ""
    assert conflict("M", (), (12,)) == ""
    assert conflict("U", (3,), (12,)) == ""  # mixed evidence under a low rating


def test_an_area_for_improvement_against_p() -> None:
    assert conflict("P", (), (12, 40)) == (
        "the points rate P (no shortcomings) but evaluators recorded areas for improvement "
        "(event 12, 40): for the lead evaluator to settle"
    )


def test_strengths_alone_against_m_or_u() -> None:
    assert conflict("U", (7,), ()) == (
        "the points rate U but evaluators recorded only a strength (event 7) and no area "
        "for improvement: for the lead evaluator to settle"
    )
    assert conflict("S", (7,), ()) == "" and conflict("P", (7,), ()) == ""


def test_nothing_scored_is_no_conflict() -> None:
    assert conflict(None, (1,), (2,)) == ""


@given(st.sampled_from(["P", "S", "M", "U", None]), SEQS, SEQS)
def test_conflict_is_exactly_the_two_contradictions(
    computed: str | None, strengths: tuple[int, ...], improvements: tuple[int, ...]
) -> None:
    expected = (computed == "P" and bool(improvements)) or (
        computed in ("M", "U") and bool(strengths) and not improvements
    )
    assert bool(conflict(computed, strengths, improvements)) == expected
