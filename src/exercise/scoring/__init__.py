"""The coordination rules engine: scores how well the cells coordinate.

Rules are data (``rules/*.yaml``, see docs/format.md); each kind is interpreted by a
tracker in :mod:`exercise.scoring.rules`. Every award carries its explanation."""

from exercise.scoring.awards import FINAL, PENDING, Award
from exercise.scoring.scorer import ObjectiveScore, Scorer, Scores, score

__all__ = ["FINAL", "PENDING", "Award", "ObjectiveScore", "Scorer", "Scores", "score"]
