"""Frozen value types of the exercise domain: scenarios, cells, injects, rules.

Nothing here does I/O or knows about YAML; the `exercise.scenario` package turns
files into these values and the `exercise.engine` package conducts them.
"""

from exercise.model.inject import Branch, Channel, ExpectedAction, Inject, Trigger
from exercise.model.rules import (
    RULE_KINDS,
    AcknowledgeRule,
    AnswerRule,
    ChannelRule,
    DeconflictRule,
    JointRule,
    NetworkRule,
    NotifyRule,
    Ratings,
    RespondRule,
    Rule,
    RuleSet,
)
from exercise.model.scenario import Cell, CriticalTask, Module, MoveKind, Objective, Scenario, Side
from exercise.model.timefmt import format_duration, format_offset

__all__ = [
    "RULE_KINDS",
    "AcknowledgeRule",
    "AnswerRule",
    "Branch",
    "Cell",
    "Channel",
    "ChannelRule",
    "CriticalTask",
    "DeconflictRule",
    "ExpectedAction",
    "Inject",
    "JointRule",
    "Module",
    "MoveKind",
    "NetworkRule",
    "NotifyRule",
    "Objective",
    "Ratings",
    "RespondRule",
    "Rule",
    "RuleSet",
    "Scenario",
    "Side",
    "Trigger",
    "format_duration",
    "format_offset",
]
