"""Evaluation: Exercise Evaluation Guides (critical tasks, evaluators' ratings and
observations, final ratings) and the agreement between evaluators."""

from exercise.evaluation.agreement import (
    SCALE,
    Agreement,
    adjacent_agreement,
    agreement,
    exact_agreement,
    fleiss_kappa,
    interpret,
    weighted_kappa,
)
from exercise.evaluation.eeg import Evaluation, ObjectiveEEG, TaskEEG, eeg_tasks, evaluate

__all__ = [
    "SCALE",
    "Agreement",
    "Evaluation",
    "ObjectiveEEG",
    "TaskEEG",
    "adjacent_agreement",
    "agreement",
    "eeg_tasks",
    "evaluate",
    "exact_agreement",
    "fleiss_kappa",
    "interpret",
    "weighted_kappa",
]
