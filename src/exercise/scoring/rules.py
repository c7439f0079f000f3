"""One tracker per rule kind: each follows the events its rule cares about and keeps
the rule's awards up to date. Work per event is proportional to the open obligations
the event touches, never to the length of the journal."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from exercise.model import (
    AcknowledgeRule,
    AnswerRule,
    DeconflictRule,
    JointRule,
    NetworkRule,
    NotifyRule,
    RespondRule,
    Rule,
)
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.model.events import EventData
from exercise.scoring.awards import FINAL, PENDING, Award, minutes, pts, timely, window

if TYPE_CHECKING:
    from exercise.scoring.scorer import Scorer


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


#: What a cell sends: both reach cells and count as contact between them.
Traffic = ev.MoveSubmitted | ev.MessageSent


def addressees(data: EventData) -> tuple[str, ...]:
    """The cells an inject, move or message went to."""
    if isinstance(data, ev.InjectReleased | ev.MoveSubmitted | ev.MessageSent):
        return data.to
    return ()


class Tracker:
    """Base: a rule, the scorer it reports to, and helpers to post awards. ``feed`` gets
    the events whose data is of a class in ``handles``."""

    handles: tuple[type[EventData], ...] = ()

    def __init__(self, rule: Rule, scorer: Scorer) -> None:
        self.rule = rule
        self.scorer = scorer

    def award(self, key: str, cells: tuple[str, ...], points: float, max_points: float,
              events: tuple[int, ...], explanation: str, status: str = FINAL,
              **extra: Any) -> None:  # fmt: skip
        rule = self.rule
        self.scorer.post(
            Award(
                rule=rule.id,
                kind=rule.kind,
                objective=rule.objective,
                key=key,
                cells=cells,
                points=points,
                max_points=max_points,
                events=events,
                explanation=explanation,
                status=status,
                **extra,
            )
        )

    def feed(self, event: Event) -> None:  # pragma: no cover - every tracker overrides
        raise NotImplementedError

    def finish(self) -> None:
        """ENDEX: windows still open are not scored (the time to act was cut short)."""

    def unscored(self, key: str, cells: tuple[str, ...], t0: int, window_ms: int,
                 events: tuple[int, ...], what: str, **extra: Any) -> None:  # fmt: skip
        into = minutes(self.scorer.now_ms - t0)
        self.award(
            key, cells, 0.0, 0.0, events,
            f"{what}: not scored, the exercise ended {into} into the {minutes(window_ms)} window",
            **extra,
        )  # fmt: skip


@attrs.define
class _Notice:
    """A notify obligation: ``cell`` must inform ``remaining`` after ``t0``."""

    label: str
    t0: int
    seq: int
    remaining: set[str]
    closed: bool = False


class NotifyTracker(Tracker):
    handles = (ev.InjectReleased, ev.MoveSubmitted, ev.MessageSent)
    rule: NotifyRule

    def __init__(self, rule: NotifyRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.share = rule.points / len(rule.notify) if rule.notify else 0.0
        self.within = _ms(rule.within)
        self.decay = _ms(rule.decay) if rule.decay is not None else self.within
        self.open: list[_Notice] = []

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.InjectReleased):
            if d.inject == rule.inject and rule.cell in d.to:
                self._start(f"{rule.inject} reached {rule.cell}", event)
            return
        if not isinstance(d, Traffic) or d.cell != rule.cell:
            return
        if isinstance(d, ev.MoveSubmitted) and d.kind == rule.move:
            self._start(f"{rule.cell}'s {rule.move} move (event {event.seq})", event)
        if self.open:
            self._notified(event)

    def _start(self, label: str, event: Event) -> None:
        notice = _Notice(label, event.game_ms, event.seq, set(self.rule.notify))
        self.open.append(notice)
        for b in self.rule.notify:
            self.award(
                self._key(notice, b), (self.rule.cell,), 0.0, self.share, (event.seq,),
                f"{self.rule.cell} has not yet warned {b} since {label} "
                f"(window {window(self.rule.within)})",
                PENDING, pair=(self.rule.cell, b),
            )  # fmt: skip
        self.scorer.at(event.game_ms + self.within + self.decay, lambda: self._close(notice))

    def _key(self, notice: _Notice, b: str) -> str:
        return f"{notice.seq}->{b}"

    def _notified(self, event: Event) -> None:
        to = addressees(event.data)
        for notice in self.open:
            for b in [b for b in to if b in notice.remaining]:
                notice.remaining.discard(b)
                latency = event.game_ms - notice.t0
                points, sums = timely(self.share, latency, self.within, self.decay)
                self.award(
                    self._key(notice, b), (self.rule.cell,), points, self.share,
                    (notice.seq, event.seq),
                    f"{self.rule.cell} warned {b} {minutes(latency)} after {notice.label} "
                    f"(window {window(self.rule.within)}): {sums}",
                    pair=(self.rule.cell, b), latency_ms=latency,
                )  # fmt: skip
        self.open = [n for n in self.open if n.remaining]

    def _close(self, notice: _Notice) -> None:
        if notice not in self.open:
            return
        self.open.remove(notice)
        for b in sorted(notice.remaining):
            self.award(
                self._key(notice, b), (self.rule.cell,), 0.0, self.share, (notice.seq,),
                f"{self.rule.cell} never warned {b} after {notice.label} "
                f"(window {window(self.rule.within)}): 0/{pts(self.share)}",
                pair=(self.rule.cell, b),
            )  # fmt: skip

    def finish(self) -> None:
        for notice in self.open:
            for b in sorted(notice.remaining):
                self.unscored(
                    self._key(notice, b), (self.rule.cell,), notice.t0,
                    self.within + self.decay, (notice.seq,),
                    f"{self.rule.cell} had not warned {b} since {notice.label}",
                    pair=(self.rule.cell, b),
                )  # fmt: skip
        self.open = []


@attrs.define
class _Item:
    item: str
    t0: int
    seq: int
    open: bool = True


class AcknowledgeTracker(Tracker):
    handles = (ev.InjectReleased, ev.MessageSent, ev.ItemAcknowledged)
    rule: AcknowledgeRule

    def __init__(self, rule: AcknowledgeRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.within = _ms(rule.within)
        self.items: dict[str, _Item] = {}

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.InjectReleased):
            if rule.cell in d.to and rule.inject in (None, d.inject):
                self._expect(f"inject:{d.inject}", event)
        elif isinstance(d, ev.MessageSent):
            if rule.messages and rule.cell in d.to:
                self._expect(f"message:{event.seq}", event)
        elif isinstance(d, ev.ItemAcknowledged) and d.cell == rule.cell:
            item = self.items.get(d.item)
            if item is not None and item.open:
                item.open = False
                latency = event.game_ms - item.t0
                points, sums = timely(rule.points, latency, self.within, self.within)
                self.award(
                    item.item, (rule.cell,), points, float(rule.points), (item.seq, event.seq),
                    f"{rule.cell} acknowledged {item.item} {minutes(latency)} after it arrived "
                    f"(window {window(rule.within)}): {sums}",
                    latency_ms=latency,
                )  # fmt: skip

    def _expect(self, name: str, event: Event) -> None:
        item = _Item(name, event.game_ms, event.seq)
        self.items[name] = item
        self.award(
            name, (self.rule.cell,), 0.0, float(self.rule.points), (event.seq,),
            f"{self.rule.cell} has not yet acknowledged {name} (window {window(self.rule.within)})",
            PENDING,
        )  # fmt: skip
        self.scorer.at(event.game_ms + 2 * self.within, lambda: self._close(item))

    def _close(self, item: _Item) -> None:
        if item.open:
            item.open = False
            self.award(
                item.item, (self.rule.cell,), 0.0, float(self.rule.points), (item.seq,),
                f"{self.rule.cell} never acknowledged {item.item} "
                f"(window {window(self.rule.within)}): 0/{pts(self.rule.points)}",
            )  # fmt: skip

    def finish(self) -> None:
        for item in self.items.values():
            if item.open:
                item.open = False
                self.unscored(
                    item.item, (self.rule.cell,), item.t0, 2 * self.within, (item.seq,),
                    f"{self.rule.cell} had not acknowledged {item.item}",
                )  # fmt: skip


class DeconflictTracker(Tracker):
    handles = (ev.MoveSubmitted, ev.MessageSent)
    rule: DeconflictRule

    def __init__(self, rule: DeconflictRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.last: dict[str, tuple[int, int]] = {}  # consulted cell -> (game_ms, seq)

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if not isinstance(d, Traffic) or d.cell != rule.cell:
            return
        if isinstance(d, ev.MoveSubmitted) and d.kind == rule.action:
            self._act(event)
        for c in d.to:  # after the check: the action itself consults no one
            if c in rule.consult:
                self.last[c] = (event.game_ms, event.seq)

    def _act(self, event: Event) -> None:
        rule = self.rule
        limit = _ms(rule.within) if rule.within is not None else None
        done, missing, seqs = [], [], [event.seq]
        for c in rule.consult:
            contact = self.last.get(c)
            if contact is not None and (limit is None or event.game_ms - contact[0] <= limit):
                done.append(
                    f"{c} {minutes(event.game_ms - contact[0])} before (event {contact[1]})"
                )
                seqs.append(contact[1])
            else:
                missing.append(c)
        span = f" in the {window(rule.within)} before" if rule.within is not None else " first"
        what = f"{rule.cell} took {rule.action} (event {event.seq})"
        if not missing:
            self.award(
                f"move:{event.seq}", (rule.cell,), float(rule.points), float(rule.points),
                tuple(sorted(set(seqs))),
                f"{what} after consulting {'; '.join(done)}: "
                f"{pts(rule.points)}/{pts(rule.points)}",
            )  # fmt: skip
        else:
            penalty = f", penalty −{pts(rule.penalty)}" if rule.penalty else ""
            self.award(
                f"move:{event.seq}", (rule.cell,), -float(rule.penalty), float(rule.points),
                tuple(sorted(set(seqs))),
                f"{what} without consulting {', '.join(missing)}{span}: "
                f"0/{pts(rule.points)}{penalty}",
            )  # fmt: skip


class JointTracker(Tracker):
    """Coordinated when ``quorum`` distinct listed cells commit (a move of kind
    ``action``) within any span of ``within``; each commitment counts for a window of
    ``within`` after it."""

    handles = (ev.MoveSubmitted,)
    rule: JointRule

    def __init__(self, rule: JointRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.within = _ms(rule.within)
        self.last: dict[str, tuple[int, int]] = {}  # cell -> (game_ms, seq) of its latest
        self.done = False
        self.close_at: int | None = None

    def _members(self, now: int) -> dict[str, tuple[int, int]]:
        return {c: v for c, v in self.last.items() if v[0] >= now - self.within}

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if not isinstance(d, ev.MoveSubmitted):
            return
        cell = d.cell
        if self.done or d.kind != rule.action or cell not in rule.cells:
            return
        self.last[cell] = (event.game_ms, event.seq)
        members = self._members(event.game_ms)
        if len(members) >= rule.quorum:
            self.done = True
            cells = tuple(sorted(members, key=lambda c: members[c]))
            span = event.game_ms - min(t for t, _ in members.values())
            self.award(
                "joint", cells, float(rule.points), float(rule.points),
                tuple(sorted(s for _, s in members.values())),
                f"{len(cells)} of {len(rule.cells)} cells ({', '.join(cells)}) committed to "
                f"{rule.action} within {minutes(span)} "
                f"(quorum {rule.quorum}, window {window(rule.within)}): "
                f"{pts(rule.points)}/{pts(rule.points)}",
            )  # fmt: skip
            return
        self.close_at = event.game_ms + self.within
        self._report(members, PENDING)
        self.scorer.at(self.close_at, functools.partial(self._close, self.close_at))

    def _report(self, members: dict[str, tuple[int, int]], status: str) -> None:
        rule = self.rule
        joined = ", ".join(sorted(members, key=lambda c: members[c])) or "none"
        state = "so far" if status == PENDING else f"within {window(rule.within)}"
        self.award(
            "joint", rule.cells, 0.0, float(rule.points),
            tuple(sorted(s for _, s in members.values())),
            f"only {len(members)} of the {rule.quorum} cells needed committed to "
            f"{rule.action} {state} ({joined}): 0/{pts(rule.points)}",
            status,
        )  # fmt: skip

    def _close(self, at: int) -> None:
        if not self.done and at == self.close_at:
            self.close_at = None
            self._report(self._members(at), FINAL)

    def finish(self) -> None:
        if self.done:
            return
        if self.close_at is not None:
            members = self._members(self.scorer.now_ms)
            self.unscored(
                "joint", self.rule.cells, self.close_at - self.within, self.within,
                tuple(sorted(s for _, s in members.values())),
                f"{len(members)} of the {self.rule.quorum} cells needed had committed to "
                f"{self.rule.action}",
            )  # fmt: skip
        elif not self.last:
            self.award(
                "joint", self.rule.cells, 0.0, 0.0, (),
                f"no cell committed to {self.rule.action}: not exercised, not scored",
            )  # fmt: skip


@attrs.define
class _Expected:
    key: str
    inject: str
    cell: str
    action: str
    needed: frozenset[str]
    t0: int
    deadline: int
    seq: int
    covered: dict[str, int] = attrs.Factory(dict)  # addressee -> seq
    moves: list[int] = attrs.Factory(list)
    open: bool = True


class RespondTracker(Tracker):
    handles = (ev.InjectReleased, ev.MoveSubmitted)
    rule: RespondRule

    def __init__(self, rule: RespondRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.open: dict[tuple[str, str], list[_Expected]] = defaultdict(list)

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.InjectReleased):
            inject = self.scorer.scenario.injects_by_id.get(d.inject)
            if inject is None or rule.inject not in (None, inject.id):
                return
            for i, exp in enumerate(inject.expects):
                x = _Expected(
                    f"{inject.id}#{i + 1}", inject.id, exp.cell, exp.action, frozenset(exp.to),
                    event.game_ms, event.game_ms + _ms(exp.within), event.seq,
                )  # fmt: skip
                self.open[(exp.cell, exp.action)].append(x)
                self._report(x, PENDING)
                self.scorer.at(x.deadline, functools.partial(self._close, x))
            return
        if not isinstance(d, ev.MoveSubmitted):
            return
        key = (d.cell, d.kind)
        if key not in self.open:
            return
        for x in self.open[key]:
            if x.open and event.game_ms <= x.deadline:
                x.moves.append(event.seq)
                for c in d.to:
                    if c in x.needed:
                        x.covered.setdefault(c, event.seq)
                if x.covered.keys() >= x.needed:
                    x.open = False
                    latency = event.game_ms - x.t0
                    self.award(
                        x.key, (x.cell,), float(rule.points), float(rule.points),
                        (x.seq, *x.moves),
                        f"{x.cell} took the expected {x.action} on {x.inject}"
                        + (f" to {', '.join(sorted(x.needed))}" if x.needed else "")
                        + f" {minutes(latency)} after its release "
                        f"(window {minutes(x.deadline - x.t0)}): "
                        f"{pts(rule.points)}/{pts(rule.points)}",
                        latency_ms=latency,
                    )  # fmt: skip
        self.open[key] = [x for x in self.open[key] if x.open]

    def _report(self, x: _Expected, status: str) -> None:
        rule = self.rule
        got = len(x.covered)
        need = len(x.needed)
        if status == PENDING:
            text = f"{x.cell} has not yet taken the expected {x.action} on {x.inject}"
            points = 0.0
        elif need and got:
            points = rule.points * got / need
            missing = ", ".join(sorted(x.needed - x.covered.keys()))
            text = (
                f"{x.cell}'s {x.action} on {x.inject} reached {got} of {need} addressees in "
                f"time (missing {missing}): {pts(points)}/{pts(rule.points)} = "
                f"{pts(rule.points)} × {got}/{need}"
            )
        else:
            points = 0.0
            text = (
                f"{x.cell} did not take the expected {x.action} on {x.inject} within "
                f"{minutes(x.deadline - x.t0)}: 0/{pts(rule.points)}"
            )
        self.award(x.key, (x.cell,), points, float(rule.points), (x.seq, *x.moves), text, status)

    def _close(self, x: _Expected) -> None:
        if x.open:
            x.open = False
            self._report(x, FINAL)

    def finish(self) -> None:
        for items in self.open.values():
            for x in items:
                if x.open:
                    x.open = False
                    self.unscored(
                        x.key, (x.cell,), x.t0, x.deadline - x.t0, (x.seq, *x.moves),
                        f"{x.cell} had not yet taken the expected {x.action} on {x.inject}",
                    )  # fmt: skip


class NetworkTracker(Tracker):
    handles = (ev.MoveSubmitted, ev.MessageSent)
    rule: NetworkRule

    def __init__(self, rule: NetworkRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.share = rule.points / len(rule.required) if rule.required else 0.0
        self.links = {frozenset(pair): pair for pair in rule.required}
        self.used: set[frozenset[str]] = set()
        for a, b in rule.required:
            self.award(
                f"{a}<->{b}", (a, b), 0.0, self.share, (),
                f"no traffic yet between {a} and {b}", PENDING, pair=(a, b),
            )  # fmt: skip

    def feed(self, event: Event) -> None:
        d = event.data
        if not isinstance(d, Traffic):
            return
        sender = d.cell
        for c in d.to:
            link = frozenset((sender, c))
            if link in self.links and link not in self.used:
                self.used.add(link)
                a, b = self.links[link]
                self.award(
                    f"{a}<->{b}", (a, b), self.share, self.share, (event.seq,),
                    f"the required liaison link {a}–{b} was used ({sender} to {c}, event "
                    f"{event.seq}): {pts(self.share)}/{pts(self.share)}",
                    pair=(a, b),
                )  # fmt: skip

    def finish(self) -> None:
        for link, (a, b) in self.links.items():
            if link not in self.used:
                self.award(
                    f"{a}<->{b}", (a, b), 0.0, self.share, (),
                    f"the required liaison link {a}–{b} carried no message or move in either "
                    f"direction: 0/{pts(self.share)}",
                    pair=(a, b),
                )  # fmt: skip


class AnswerTracker(Tracker):
    """Each listed cell answers each discussion question of the rule's module(s); an
    answer counts once, whenever it comes (a seminar has no time pressure)."""

    handles = (ev.QuestionAnswered,)
    rule: AnswerRule

    def __init__(self, rule: AnswerRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.questions = [
            (m.id, n)
            for m in scorer.scenario.modules
            if rule.module in (None, m.id)
            for n in range(1, len(m.questions) + 1)
        ]
        pairs = len(self.questions) * len(rule.cells)
        self.share = rule.points / pairs if pairs else 0.0
        self.answered: set[tuple[str, int, str]] = set()
        for module, n in self.questions:
            for cell in rule.cells:
                self.award(
                    f"{module}/{n}:{cell}", (cell,), 0.0, self.share, (),
                    f"{cell} has not yet answered question {module}/{n}", PENDING,
                )  # fmt: skip

    def feed(self, event: Event) -> None:
        d = event.data
        assert isinstance(d, ev.QuestionAnswered)
        key = (d.module, d.question, d.cell)
        if key in self.answered or key[2] not in self.rule.cells:
            return
        if (key[0], key[1]) not in self.questions:
            return
        self.answered.add(key)
        module, n, cell = key
        self.award(
            f"{module}/{n}:{cell}", (cell,), self.share, self.share, (event.seq,),
            f"{cell} answered question {module}/{n} (event {event.seq}): "
            f"{pts(self.share)}/{pts(self.share)}",
        )  # fmt: skip

    def finish(self) -> None:
        for module, n in self.questions:
            for cell in self.rule.cells:
                if (module, n, cell) not in self.answered:
                    self.award(
                        f"{module}/{n}:{cell}", (cell,), 0.0, self.share, (),
                        f"{cell} never answered question {module}/{n}: 0/{pts(self.share)}",
                    )  # fmt: skip


TRACKERS: dict[type, Callable[[Any, Scorer], Tracker]] = {
    NotifyRule: NotifyTracker,
    AcknowledgeRule: AcknowledgeTracker,
    DeconflictRule: DeconflictTracker,
    JointRule: JointTracker,
    RespondRule: RespondTracker,
    NetworkRule: NetworkTracker,
    AnswerRule: AnswerTracker,
}
