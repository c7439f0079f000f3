"""Headless rehearsal: run a scripted exercise with no UI.

A script is a YAML file with a list of ``steps``; each step is a one-key mapping naming
what happens (see docs/rehearsal.md). The rehearsal runs on a simulated clock that
starts at the session's last event (or now) and moves only with ``advance`` steps, so a
script gives the same game times every run. After every step, injects whose time has
come are released, as the facilitator console does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.errors import ScenarioFileError
from exercise.journal import Event
from exercise.model.timefmt import TimeFormatError, parse_duration, parse_offset
from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.yamlsafe import did_you_mean, read_document
from exercise.session import Session, wall_clock_us


class PlayError(ScenarioFileError):
    """A script step that could not run: ``file:line:col: step N (kind): reason``."""


@attrs.define
class SimulatedClock:
    """Wall time for a rehearsal: moves only when told to."""

    now_us: int

    def __call__(self) -> int:
        return self.now_us


@attrs.frozen
class Step:
    index: int
    kind: str
    args: Any
    file: str
    line: int
    column: int

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: step {self.index} ({self.kind})"


STEP_KINDS = (
    "start", "pause", "resume", "end", "ratio", "advance", "jump", "release", "hold",
    "unhold", "skip", "retime", "add", "publish", "move", "message", "ack", "read", "rfi",
    "answer", "argue", "adjudicate", "resolve", "observe", "override", "plan",
    "open-module", "note-module", "answer-question", "intent",
    "consult", "reply", "consent", "refuse",
    "evaluator", "assign", "join", "rate",
)  # fmt: skip


def read_script(path: Path) -> tuple[list[Step], bool]:
    """Parse a script file into steps; raise ScenarioError listing every problem."""
    doc = read_document(path)
    problems = list(doc.problems)
    raw = doc.value
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        problems.append(doc.problem((), "a script is a mapping with a 'steps' list"))
        raise ScenarioError(problems)
    for key in raw:
        if key not in ("steps", "auto_release"):
            hint = did_you_mean(str(key), ["steps", "auto_release"], "allowed keys")
            problems.append(doc.problem((key,), f"unknown key {key!r}", hint, key=True))
    auto = raw.get("auto_release", True)
    if not isinstance(auto, bool):
        problems.append(doc.problem(("auto_release",), "auto_release must be true or false"))
    steps = []
    for i, item in enumerate(raw["steps"]):
        node = doc.node_at(("steps", i))
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(item, str):  # "- start" is the same as "- start: {}"
            item = {item: {}}
        if not isinstance(item, dict) or len(item) != 1:
            problems.append(
                Problem(
                    doc.file,
                    line,
                    col,
                    "a step is a mapping with exactly one key",
                    "e.g. '- release: INC-004'",
                )
            )
            continue
        ((kind, args),) = item.items()
        if kind not in STEP_KINDS:
            problems.append(
                Problem(
                    doc.file,
                    line,
                    col,
                    f"unknown step {kind!r}",
                    did_you_mean(str(kind), STEP_KINDS),
                )
            )
            continue
        steps.append(Step(i + 1, kind, {} if args is None else args, doc.file, line, col))
    if problems:
        raise ScenarioError(problems)
    return steps, bool(auto)


class _Args:
    """Typed access to a step's arguments, with errors naming the step."""

    def __init__(self, step: Step, labels: dict[str, int]) -> None:
        self.step = step
        self.args = step.args if isinstance(step.args, dict) else {}
        self.labels = labels
        self.used: set[str] = set()

    def fail(self, message: str) -> PlayError:
        return PlayError(f"{self.step.where()}: {message}")

    def get(
        self, key: str, kind: type | tuple[type, ...], default: Any = ..., *, name: str = ""
    ) -> Any:
        self.used.add(key)
        if key not in self.args:
            if default is ...:
                raise self.fail(f"missing {key!r}")
            return default
        value = self.args[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(f"{key!r} must be {name or getattr(kind, '__name__', kind)}")
        return value

    def cells(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, (list, str), default, name="a list of cells")
        if isinstance(value, str):
            value = [value]
        if not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} must be a list of cell ids")
        return tuple(value)

    def ref(self, key: str, default: Any = ...) -> Any:
        """A move, message or request: a label given earlier in the script, or a seq."""
        value = self.get(key, (str, int), default, name="a label or an event number")
        if value is None or isinstance(value, int):
            return value
        if value not in self.labels:
            raise self.fail(f"no earlier step labelled {value!r}")
        return self.labels[value]

    def refs(self, key: str) -> tuple[int, ...]:
        """A list of labels or event numbers (``events: [osce-aircraft, 12]``)."""
        values = self.get(key, list, [], name="a list of labels or event numbers")
        out = []
        for value in values:
            if isinstance(value, int) and not isinstance(value, bool):
                out.append(value)
            elif isinstance(value, str) and value in self.labels:
                out.append(self.labels[value])
            else:
                raise self.fail(f"no earlier step labelled {value!r}")
        return tuple(out)

    def evaluator(self, default: str | None = None) -> str:
        """The actor ``evaluator:NAME`` of the step's ``evaluator`` (or ``default``)."""
        name = self.get("evaluator", str, default)
        if name is None:
            raise self.fail("missing 'evaluator'")
        return str(name) if name == default else c.evaluator_actor(str(name))

    def done(self) -> None:
        extra = set(self.args) - self.used - {"label"}
        if extra:
            noun = "argument" if len(extra) == 1 else "arguments"
            raise self.fail(f"unknown {noun}: {', '.join(sorted(map(str, extra)))}")

    def actor(self, cell: str) -> str:
        by = self.get("by", str, cell)
        if by not in (cell, CONTROL):
            raise self.fail("'by' is either the cell itself or 'control' (hot seat)")
        return str(by)


def _scalar_or(step: Step, key: str) -> dict[str, Any]:
    """Let ``- release: INC-004`` stand for ``- release: {inject: INC-004}``."""
    if isinstance(step.args, dict):
        return step.args
    return {key: step.args}


def _command(step: Step, a: _Args, session: Session, clock: SimulatedClock) -> c.Command | None:
    k = step.kind
    scenario = session.scenario
    if k in ("start", "pause", "resume"):
        a.done()
        return {"start": c.Start, "pause": c.Pause, "resume": c.Resume}[k](CONTROL)
    if k == "end":
        return c.End(CONTROL, a.get("reason", str, ""))
    if k == "ratio":
        a.args = _scalar_or(step, "ratio")
        return c.SetRatio(CONTROL, float(a.get("ratio", (int, float), name="a number")))
    if k == "advance":
        a.args = _scalar_or(step, "by")
        text = a.get("by", str, name='a duration such as "00:30"')
        try:
            delta = parse_duration(text)
        except TimeFormatError as exc:
            raise a.fail(str(exc)) from None
        a.done()
        ratio = session.state.clock.ratio if session.state.clock.running else 1.0
        # round up: the clock must reach the time asked for, not stop a microsecond short
        clock.now_us += math.ceil(delta.total_seconds() * 1_000_000 / ratio)
        return None
    if k == "jump":
        a.args = _scalar_or(step, "to")
        text = a.get("to", str, name='a game time such as "+12:00"')
        try:
            to = parse_offset(text, scenario.start)
        except TimeFormatError as exc:
            raise a.fail(str(exc)) from None
        return c.Jump(CONTROL, int(to.total_seconds() * 1000))
    if k in ("release", "unhold"):
        a.args = _scalar_or(step, "inject")
        cls = c.Release if k == "release" else c.Unhold
        return cls(CONTROL, a.get("inject", str))
    if k in ("hold", "skip"):
        a.args = _scalar_or(step, "inject")
        cls2 = c.Hold if k == "hold" else c.Skip
        return cls2(CONTROL, a.get("inject", str), a.get("reason", str, ""))
    if k == "retime":
        try:
            at = parse_offset(a.get("time", str), scenario.start)
        except TimeFormatError as exc:
            raise a.fail(str(exc)) from None
        return c.Retime(CONTROL, a.get("inject", str), int(at.total_seconds() * 1000))
    if k == "add":
        return c.AddInject(
            CONTROL,
            id=a.get("id", str),
            title=a.get("title", str),
            to=a.cells("to"),
            body=a.get("body", str, ""),
            from_=a.get("from", str, ""),
            channel=a.get("channel", str, "message"),
            release=a.get("release", bool, True),
        )
    if k == "publish":
        return c.Publish(CONTROL, _item(a))
    if k == "move":
        cell = a.get("cell", str)
        return c.SubmitMove(
            a.actor(cell), cell, a.get("kind", str), a.get("text", str),
            a.cells("to", ()), a.get("answers", str, None), a.ref("intent", None),
        )  # fmt: skip
    if k == "intent":
        cell = a.get("cell", str)
        return c.StateIntent(
            a.actor(cell), cell, a.get("kind", str), a.get("text", str, ""),
            a.get("target", str, ""), a.get("place", str, ""), a.cells("concerns", ()),
            a.get("answers", str, None),
        )  # fmt: skip
    if k == "consult":
        cell = a.get("cell", str)
        return c.Consult(
            a.actor(cell), cell, a.cells("to"), a.get("text", str), a.ref("intent", None),
            a.get("inject", str, None),
        )  # fmt: skip
    if k == "reply":
        cell = a.get("cell", str)
        return c.AnswerConsultation(a.actor(cell), cell, a.ref("consultation"), a.get("text", str))
    if k in ("consent", "refuse"):
        cell = a.get("cell", str)
        cls4 = c.GiveConsent if k == "consent" else c.RefuseConsent
        return cls4(
            a.actor(cell), cell, a.get("to", str), a.get("text", str, ""),
            a.ref("intent", None), a.get("inject", str, None),
        )  # fmt: skip
    if k == "message":
        cell = a.get("cell", str)
        return c.SendMessage(
            a.actor(cell), cell, a.cells("to"), a.get("text", str),
            a.get("subject", str, ""), a.get("about", str, None),
        )  # fmt: skip
    if k in ("ack", "read"):
        cell = a.get("cell", str)
        cls3 = c.Acknowledge if k == "ack" else c.MarkRead
        return cls3(a.actor(cell), cell, _item(a))
    if k == "rfi":
        cell = a.get("cell", str)
        return c.AskRfi(a.actor(cell), cell, a.get("text", str), a.get("about", str, None))
    if k == "answer":
        return c.AnswerRfi(CONTROL, a.ref("rfi"), a.get("text", str), a.get("public", bool, False))
    if k == "argue":
        cell = a.get("cell", str)
        return c.Argue(
            a.actor(cell), cell, a.ref("move"), a.get("stance", str), a.get("text", str),
            a.get("strong", bool, False),
        )  # fmt: skip
    if k == "adjudicate":
        return c.Adjudicate(CONTROL, a.ref("move"), a.get("outcome", str), a.get("text", str, ""))
    if k == "resolve":
        return c.ResolveMatrix(
            CONTROL, a.ref("move"), a.get("seed", int), a.get("modifier", int, 0),
            a.get("override", str, None), a.get("text", str, ""),
        )  # fmt: skip
    if k == "observe":
        return c.Observe(
            a.evaluator(CONTROL), a.get("text", str), a.get("kind", str, "note"),
            tuple(a.get("injects", list, [])), a.cells("cells", ()),
            tuple(a.get("objectives", list, [])), tuple(a.get("tasks", list, [])),
            a.refs("events"),
        )  # fmt: skip
    if k == "evaluator":
        a.args = _scalar_or(step, "name")
        return c.AddEvaluator(CONTROL, a.get("name", str))
    if k == "assign":
        return c.AssignEvaluator(
            CONTROL, a.get("evaluator", str), tuple(a.get("objectives", list, [])),
            a.cells("cells", ()),
        )  # fmt: skip
    if k == "join":
        a.args = _scalar_or(step, "evaluator")
        return c.JoinEvaluator(a.evaluator())
    if k == "rate":
        return c.RateTask(
            a.evaluator(), a.get("task", str), a.get("rating", str), a.get("reason", str, "")
        )
    if k == "override":
        rating = a.get("rating", (str, type(None)), name="P, S, M, U or null")
        return c.OverrideRating(CONTROL, a.get("objective", str), rating, a.get("reason", str, ""))
    if k == "plan":
        return c.PlanImprovement(
            CONTROL,
            a.get("issue", str, ""),
            a.get("action", str, ""),
            a.get("capability", str, ""),
            a.get("cell", str, ""),
            a.get("start", str, ""),
            a.get("end", str, ""),
            a.get("objective", str, ""),
            a.get("item", str, None),
            a.get("remove", bool, False),
        )
    if k == "open-module":
        a.args = _scalar_or(step, "module")
        return c.OpenModule(CONTROL, a.get("module", str))
    if k == "note-module":
        return c.NoteModule(CONTROL, a.get("module", str), a.get("text", str))
    if k == "answer-question":
        cell = a.get("cell", str)
        module, number = _question(a)
        return c.AnswerQuestion(
            a.actor(cell), cell, module, number, a.get("text", str), a.get("shared", bool, False)
        )
    raise a.fail("not implemented")  # pragma: no cover - STEP_KINDS covers every kind


def _question(a: _Args) -> tuple[str, int]:
    """``question: M1/2``: the module and the question's number in it."""
    ref = a.get("question", str, name="MODULE/NUMBER such as 'M1/2'")
    module, _, number = ref.rpartition("/")
    if not module or not number.isdigit():
        raise a.fail(f"question {ref!r}: write MODULE/NUMBER, such as 'M1/2'")
    return module, int(number)


def _item(a: _Args) -> str:
    given = [k for k in ("inject", "message", "move", "answer") if k in a.args]
    if len(given) != 1:
        raise a.fail("name exactly one of 'inject', 'message', 'move' or 'answer'")
    kind = given[0]
    if kind == "inject":
        return f"inject:{a.get('inject', str)}"
    return f"{kind}:{a.ref(kind)}"


def run_script(
    session: Session,
    steps: list[Step],
    *,
    auto_release: bool = True,
    on_events: Callable[[list[Event]], None] | None = None,
) -> int:
    """Run ``steps`` against ``session``; return the number of events written.

    Raises :class:`PlayError` at the first refused step; everything before it stays in
    the journal."""
    clock = SimulatedClock(max(wall_clock_us(), session.state.last_wall_us))
    session.clock = clock
    labels: dict[str, int] = {}
    written = 0
    for step in steps:
        a = _Args(step, labels)
        if not isinstance(step.args, dict) and step.kind not in (
            "ratio", "advance", "jump", "release", "unhold", "hold", "skip", "open-module",
            "evaluator", "join",
        ):  # fmt: skip
            raise a.fail("arguments must be a mapping of names to values")
        cmd = _command(step, a, session, clock)
        events: list[Event] = []
        if cmd is not None:
            a.done()
            try:
                events = session.execute(cmd)
            except DomainError as exc:
                raise a.fail(str(exc)) from None
            label = a.args.get("label")
            if label is not None and events:
                labels[str(label)] = events[0].seq
        if auto_release and session.state.started and not session.state.ended:
            events += session.execute(c.ReleaseDue(CONTROL))
        written += len(events)
        if on_events is not None and events:
            on_events(events)
    return written
