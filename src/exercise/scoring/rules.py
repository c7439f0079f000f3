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

from exercise.i18n import N_, Join, Msg, Num, Param, item_words, msg, nmsg
from exercise.model import (
    AcknowledgeRule,
    AnswerRule,
    ChannelRule,
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
from exercise.model.rules import at_place
from exercise.scoring.awards import FINAL, PENDING, Award, minutes, pts, timely, window

if TYPE_CHECKING:
    from exercise.scoring.scorer import Scorer


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


#: What a cell sends to others (``cell`` to ``to``): all count as contact between them.
Traffic = (
    ev.MoveSubmitted
    | ev.MessageSent
    | ev.ConsultationSent
    | ev.ConsultationAnswered
    | ev.ConsentGiven
    | ev.ConsentRefused
)
TRAFFIC: tuple[type[EventData], ...] = (
    ev.MoveSubmitted, ev.MessageSent, ev.ConsultationSent, ev.ConsultationAnswered,
    ev.ConsentGiven, ev.ConsentRefused,
)  # fmt: skip


def addressees(data: EventData) -> tuple[str, ...]:
    """The cells an inject, move, message, consultation, answer or consent went to."""
    if isinstance(data, ev.InjectReleased | Traffic):
        return data.to
    return ()


def place_note(places: tuple[str, ...], stated: str | None) -> Param | None:
    """Why a place rule applies to an action stated at ``stated`` (None: it does not).
    An action whose intent states no place is held to every place rule of its kind."""
    if not places:
        return ""
    if stated is None or at_place(places, stated) is None:
        return msg(N_(" (no place stated: held to the rule for {places})"),
                   places=Join(tuple(places), N_(" or ")))  # fmt: skip
    return msg(N_(" at {place}"), place=stated) if at_place(places, stated) else None


class Tracker:
    """Base: a rule, the scorer it reports to, and helpers to post awards. ``feed`` gets
    the events whose data is of a class in ``handles``."""

    handles: tuple[type[EventData], ...] = ()

    def __init__(self, rule: Rule, scorer: Scorer) -> None:
        self.rule = rule
        self.scorer = scorer

    def award(self, key: str, cells: tuple[str, ...], points: float, max_points: float,
              events: tuple[int, ...], why: Msg, status: str = FINAL,
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
                why=why,
                status=status,
                **extra,
            )
        )

    def feed(self, event: Event) -> None:  # pragma: no cover - every tracker overrides
        raise NotImplementedError

    def finish(self) -> None:
        """ENDEX: windows still open are not scored (the time to act was cut short)."""

    def unscored(self, key: str, cells: tuple[str, ...], t0: int, window_ms: int,
                 events: tuple[int, ...], what: Msg, **extra: Any) -> None:  # fmt: skip
        into = minutes(self.scorer.now_ms - t0)
        self.award(
            key, cells, 0.0, 0.0, events,
            msg(N_("{what}: not scored, the exercise ended {into} into the {window} window"),
                what=what, into=into, window=minutes(window_ms)),
            **extra,
        )  # fmt: skip


@attrs.define
class _Notice:
    """A notify obligation: ``cell`` must inform ``remaining`` after ``t0``; the event
    ``seq`` that opened it never counts as a notice itself (except in version 1)."""

    label: Msg
    t0: int
    seq: int  # the inject's release or the move
    remaining: set[str]
    opened: int  # the event that opened the window (the move's adjudication, or ``seq``)

    def events(self, *more: int) -> tuple[int, ...]:
        if self.opened == self.seq:
            return (self.seq, *more)
        return (self.seq, self.opened, *more)


class NotifyTracker(Tracker):
    handles = (
        ev.InjectReleased, ev.MoveSubmitted, ev.MessageSent, ev.MoveAdjudicated, ev.IntentStated,
    )  # fmt: skip
    rule: NotifyRule

    def __init__(self, rule: NotifyRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        total = sum(rule.weight(c) for c in rule.notify)
        self.shares = {c: rule.points * rule.weight(c) / total for c in rule.notify}
        self.within = _ms(rule.within)
        self.decay = _ms(rule.decay) if rule.decay is not None else self.within
        self.open: list[_Notice] = []
        # version 1: the triggering move's own addressees count as warned
        self.after = rule.after or ("move" if scorer.semantics >= 2 else None)
        self.awaiting: dict[int, Event] = {}  # moves waiting for their adjudication
        self.places: dict[int, str] = {}  # the cell's intents of the move kind -> place
        self.where: dict[int, Param] = {}  # move seq -> " at PLACE" for a place rule

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.IntentStated):
            if d.cell == rule.cell and d.kind == rule.move:
                self.places[event.seq] = d.place
            return
        if isinstance(d, ev.InjectReleased):
            if d.inject == rule.inject and rule.cell in d.to:
                what = msg(N_("{inject} reached {cell}"), inject=rule.inject, cell=rule.cell)
                self._start(what, event)
            return
        if isinstance(d, ev.MoveAdjudicated):
            move = self.awaiting.pop(d.move, None)
            if move is not None:
                self._start(
                    msg(N_("{cell}'s {move} move (event {seq}){where} was adjudicated "
                           "(event {by})"),
                        cell=rule.cell, move=str(rule.move), seq=move.seq,
                        where=self.where.get(move.seq, ""), by=event.seq),
                    event,
                )  # fmt: skip
            return
        if not isinstance(d, ev.MoveSubmitted | ev.MessageSent) or d.cell != rule.cell:
            return
        if (
            isinstance(d, ev.MoveSubmitted)
            and d.kind == rule.move
            and self._here(event, d) is not None
        ):
            label = msg(N_("{cell}'s {move} move (event {seq}){where}"),
                        cell=rule.cell, move=rule.move, seq=event.seq,
                        where=self.where[event.seq])  # fmt: skip
            if self.after == "adjudication":
                self.awaiting[event.seq] = event
                for b in rule.notify:
                    self.award(
                        self._key(event.seq, b), (rule.cell,), 0.0, self.shares[b],
                        (event.seq,),
                        msg(N_("{label} awaits adjudication; {cell} must then warn {b} "
                               "(window {window})"),
                            label=label, cell=rule.cell, b=b, window=window(rule.within)),
                        PENDING, pair=(rule.cell, b),
                    )  # fmt: skip
            elif self.after == "move":
                if self.open:
                    self._notified(event)  # an earlier move's report, never its own
                self._start(label, event)
                return
            else:
                self._start(label, event)
        if self.open:
            self._notified(event)

    def _here(self, event: Event, d: ev.MoveSubmitted) -> Param | None:
        """The move's place words for the explanation, or None when the rule's places
        exclude it."""
        stated = self.places.get(d.intent) if d.intent is not None else None
        note = place_note(self.rule.places, stated)
        if note is not None:
            self.where[event.seq] = note
        return note

    def _start(self, label: Msg, event: Event) -> None:
        d = event.data
        key = d.move if isinstance(d, ev.MoveAdjudicated) else event.seq
        notice = _Notice(label, event.game_ms, key, set(self.rule.notify), event.seq)
        self.open.append(notice)
        for b in self.rule.notify:
            self.award(
                self._key(notice.seq, b), (self.rule.cell,), 0.0, self.shares[b],
                notice.events(),
                msg(N_("{cell} has not yet warned {b} since {label} (window {window})"),
                    cell=self.rule.cell, b=b, label=label, window=window(self.rule.within)),
                PENDING, pair=(self.rule.cell, b),
            )  # fmt: skip
        self.scorer.at(event.game_ms + self.within + self.decay, lambda: self._close(notice))

    def _key(self, seq: int, b: str) -> str:
        return f"{seq}->{b}"

    def _weight_note(self, b: str) -> Param:
        if not self.rule.weights:
            return ""
        total = sum(self.rule.weight(c) for c in self.rule.notify)
        return msg(N_(" [{b} weighs {weight} of {total}]"),
                   b=b, weight=Num(self.rule.weight(b)), total=Num(total))  # fmt: skip

    def _notified(self, event: Event) -> None:
        to = addressees(event.data)
        for notice in self.open:
            for b in [b for b in to if b in notice.remaining]:
                notice.remaining.discard(b)
                share = self.shares[b]
                latency = event.game_ms - notice.t0
                points, sums = timely(share, latency, self.within, self.decay)
                self.award(
                    self._key(notice.seq, b), (self.rule.cell,), points, share,
                    notice.events(event.seq),
                    msg(N_("{cell} warned {b} {latency} after {label} (window {window}): "
                           "{sums}{weight}"),
                        cell=self.rule.cell, b=b, latency=minutes(latency), label=notice.label,
                        window=window(self.rule.within), sums=sums, weight=self._weight_note(b)),
                    pair=(self.rule.cell, b), latency_ms=latency,
                )  # fmt: skip
        self.open = [n for n in self.open if n.remaining]

    def _close(self, notice: _Notice) -> None:
        if notice not in self.open:
            return
        self.open.remove(notice)
        for b in sorted(notice.remaining):
            share = self.shares[b]
            self.award(
                self._key(notice.seq, b), (self.rule.cell,), 0.0, share,
                notice.events(),
                msg(N_("{cell} never warned {b} after {label} (window {window}): 0/{of}{weight}"),
                    cell=self.rule.cell, b=b, label=notice.label, window=window(self.rule.within),
                    of=pts(share), weight=self._weight_note(b)),
                pair=(self.rule.cell, b),
            )  # fmt: skip

    def finish(self) -> None:
        for notice in self.open:
            for b in sorted(notice.remaining):
                self.unscored(
                    self._key(notice.seq, b), (self.rule.cell,), notice.t0,
                    self.within + self.decay,
                    notice.events(),
                    msg(N_("{cell} had not warned {b} since {label}"),
                        cell=self.rule.cell, b=b, label=notice.label),
                    pair=(self.rule.cell, b),
                )  # fmt: skip
        self.open = []
        for seq in self.awaiting:
            for b in self.rule.notify:
                self.award(
                    self._key(seq, b), (self.rule.cell,), 0.0, 0.0, (seq,),
                    msg(N_("{cell}'s {move} move (event {seq}) was never adjudicated: the "
                           "warning to {b} is not scored"),
                        cell=self.rule.cell, move=str(self.rule.move), seq=seq, b=b),
                    pair=(self.rule.cell, b),
                )  # fmt: skip
        self.awaiting = {}


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
            if (
                rule.cell in d.to
                and rule.inject in (None, d.inject)
                and not self._excluded(d.inject)
            ):
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
                    msg(N_("{cell} acknowledged {item} {latency} after it arrived "
                           "(window {window}): {sums}"),
                        cell=rule.cell, item=item_words(item.item), latency=minutes(latency),
                        window=window(rule.within), sums=sums),
                    latency_ms=latency,
                )  # fmt: skip

    def _excluded(self, inject_id: str) -> bool:
        rule = self.rule
        if not (rule.exclude or rule.exclude_channels or rule.exclude_flags):
            return False
        if inject_id in rule.exclude:
            return True
        inject = self.scorer.scenario.injects_by_id.get(inject_id)
        if inject is None:  # an ad-hoc inject: only its id can exclude it
            return False
        return inject.channel.value in rule.exclude_channels or any(
            f in rule.exclude_flags for f in inject.flags
        )

    def _expect(self, name: str, event: Event) -> None:
        item = _Item(name, event.game_ms, event.seq)
        self.items[name] = item
        self.award(
            name, (self.rule.cell,), 0.0, float(self.rule.points), (event.seq,),
            msg(N_("{cell} has not yet acknowledged {item} (window {window})"),
                cell=self.rule.cell, item=item_words(name), window=window(self.rule.within)),
            PENDING,
        )  # fmt: skip
        self.scorer.at(event.game_ms + 2 * self.within, lambda: self._close(item))

    def _close(self, item: _Item) -> None:
        if item.open:
            item.open = False
            self.award(
                item.item, (self.rule.cell,), 0.0, float(self.rule.points), (item.seq,),
                msg(N_("{cell} never acknowledged {item} (window {window}): 0/{of}"),
                    cell=self.rule.cell, item=item_words(item.item),
                    window=window(self.rule.within), of=pts(self.rule.points)),
            )  # fmt: skip

    def finish(self) -> None:
        for item in self.items.values():
            if item.open:
                item.open = False
                self.unscored(
                    item.item, (self.rule.cell,), item.t0, 2 * self.within, (item.seq,),
                    msg(N_("{cell} had not acknowledged {item}"),
                        cell=self.rule.cell, item=item_words(item.item)),
                )  # fmt: skip


Subject = tuple[str, Any]  # ("intent", seq) or ("inject", id): what a consultation is about


def subject_of(
    data: ev.ConsultationSent | ev.ConsentGiven | ev.ConsentRefused,
) -> Subject | None:
    """What a consultation or consent is linked to: an intent, else an inject."""
    if data.intent is not None:
        return ("intent", data.intent)
    if data.inject is not None:
        return ("inject", data.inject)
    return None


def describe_subject(subject: Subject) -> Msg:
    if subject[0] == "intent":
        return msg(N_("intent {seq}"), seq=subject[1])
    return msg(N_("inject {inject}"), inject=subject[1])


@attrs.define
class _Consultation:
    seq: int
    game_ms: int
    to: tuple[str, ...]
    subject: Subject
    answers: dict[str, tuple[int, int]] = attrs.Factory(dict)  # cell -> (game_ms, seq)


class DeconflictTracker(Tracker):
    """Version 1: any message or move to a consulted cell before the action counts.
    Version 2: only consultations linked to the action count (its intent, or the inject
    the move answers), ``lead`` before it, answered when the rule asks; consent cells
    must have given consent, and not refused it since."""

    handles = (
        ev.MoveSubmitted, ev.MessageSent, ev.IntentStated, ev.ConsultationSent,
        ev.ConsultationAnswered, ev.ConsentGiven, ev.ConsentRefused,
    )  # fmt: skip
    rule: DeconflictRule

    def __init__(self, rule: DeconflictRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.v2 = scorer.semantics >= 2
        self.last: dict[str, tuple[int, int]] = {}  # consulted cell -> (game_ms, seq)
        #: the cell's stated intents of the rule's action -> the place each names
        self.intents: dict[int, str] = {}
        self.consultations: dict[Subject, list[_Consultation]] = defaultdict(list)
        self.by_seq: dict[int, _Consultation] = {}
        # subject -> consenting cell -> (given, game_ms, seq) of its latest decision
        self.consents: dict[Subject, dict[str, tuple[bool, int, int]]] = defaultdict(dict)

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.ConsultationAnswered):
            asked = self.by_seq.get(d.consultation)
            if asked is not None and d.cell in asked.to:
                asked.answers.setdefault(d.cell, (event.game_ms, event.seq))
            return
        if isinstance(d, ev.ConsentGiven | ev.ConsentRefused):
            subject = subject_of(d)
            if rule.cell in d.to and d.cell in rule.consent and subject:
                self.consents[subject][d.cell] = (
                    isinstance(d, ev.ConsentGiven), event.game_ms, event.seq,
                )  # fmt: skip
            return
        if not isinstance(d, ev.IntentStated | ev.ConsultationSent | ev.MoveSubmitted
                              | ev.MessageSent) or d.cell != rule.cell:  # fmt: skip
            return
        if isinstance(d, ev.IntentStated):
            if d.kind == rule.action:
                self.intents[event.seq] = d.place
            return
        if isinstance(d, ev.ConsultationSent):
            subject = subject_of(d)
            if subject is not None:
                x = _Consultation(event.seq, event.game_ms, d.to, subject)
                self.consultations[subject].append(x)
                self.by_seq[event.seq] = x
        if isinstance(d, ev.MoveSubmitted) and d.kind == rule.action:
            if self.v2:
                self._act_v2(event)
            else:
                self._act(event)
        for c in d.to:  # after the check: the action itself consults no one
            if c in rule.consult:
                self.last[c] = (event.game_ms, event.seq)

    def _act(self, event: Event) -> None:
        rule = self.rule
        limit = _ms(rule.within) if rule.within is not None else None
        done: list[Param] = []
        missing: list[str] = []
        seqs = [event.seq]
        for c in rule.consult:
            contact = self.last.get(c)
            if contact is not None and (limit is None or event.game_ms - contact[0] <= limit):
                done.append(
                    msg(N_("{cell} {ago} before (event {seq})"),
                        cell=c, ago=minutes(event.game_ms - contact[0]), seq=contact[1])
                )  # fmt: skip
                seqs.append(contact[1])
            else:
                missing.append(c)
        span = (
            msg(N_("in the {window} before"), window=window(rule.within))
            if rule.within is not None
            else msg(N_("first"))
        )
        what = self._what(event)
        if not missing:
            self.award(
                f"move:{event.seq}", (rule.cell,), float(rule.points), float(rule.points),
                tuple(sorted(set(seqs))),
                msg(N_("{what} after consulting {done}: {of}/{of}"),
                    what=what, done=Join(tuple(done), "; "), of=pts(rule.points)),
            )  # fmt: skip
        else:
            self.award(
                f"move:{event.seq}", (rule.cell,), -float(rule.penalty), float(rule.points),
                tuple(sorted(set(seqs))),
                msg(N_("{what} without consulting {cells} {span}: 0/{of}{penalty}"),
                    what=what, cells=", ".join(missing), span=span, of=pts(rule.points),
                    penalty=self._penalty()),
            )  # fmt: skip

    def _what(self, event: Event, where: Param = "") -> Msg:
        return msg(N_("{cell} took {action} (event {seq}){where}"),
                   cell=self.rule.cell, action=self.rule.action, seq=event.seq,
                   where=where)  # fmt: skip

    def _penalty(self) -> Param:
        if not self.rule.penalty:
            return ""
        return msg(N_(", penalty −{points}"), points=pts(self.rule.penalty))

    # ------------------------------------------------------------- version 2

    def _subjects(self, event: Event) -> list[Subject]:
        d = event.data
        assert isinstance(d, ev.MoveSubmitted)
        subjects: list[Subject] = []
        if d.intent is not None and d.intent in self.intents:
            subjects.append(("intent", d.intent))
        if d.answers is not None:
            subjects.append(("inject", d.answers))
        return subjects

    def _clock(self, game_ms: int) -> str:
        from exercise.engine.describe import game_clock

        return game_clock(self.scorer.scenario, game_ms)

    def _consulted(self, c: str, event: Event, subjects: list[Subject]) -> tuple[bool, Param, int]:
        """Whether ``c`` was consulted about this action: (ok, the reason, the seq)."""
        rule, now = self.rule, event.game_ms
        lead = _ms(rule.lead) if rule.lead is not None else 0
        limit = _ms(rule.within) if rule.within is not None else None
        linked = [x for s in subjects for x in self.consultations.get(s, ()) if c in x.to]
        if not linked:
            other = self.last.get(c)
            why: Param
            if not subjects:
                why = msg(N_("the move states no intent and answers no inject, so nothing is "
                             "linked to it"))  # fmt: skip
            else:
                why = msg(N_("no consultation of {cell} was linked to {subjects}"), cell=c,
                          subjects=Join(tuple(describe_subject(s) for s in subjects),
                                        N_(" or ")))  # fmt: skip
            if other is not None:
                why = msg(N_("{why} (its traffic to {cell}, last event {seq}, was not about "
                             "this action)"), why=why, cell=c, seq=other[1])  # fmt: skip
            return False, why, 0
        reasons: list[Param] = []
        for x in sorted(linked, key=lambda x: -x.seq):
            before = now - x.game_ms
            if before < lead:
                reasons.append(
                    msg(N_("consultation event {seq} came {ago} before, less than the "
                           "{lead} lead"),
                        seq=x.seq, ago=minutes(before),
                        lead=window(rule.lead) if rule.lead else minutes(0))
                )  # fmt: skip
                continue
            if limit is not None and before > limit:
                reasons.append(
                    msg(N_("consultation event {seq} came {ago} before, outside the "
                           "{window} window"),
                        seq=x.seq, ago=minutes(before),
                        window=window(rule.within) if rule.within else "")
                )  # fmt: skip
                continue
            answer = x.answers.get(c)
            if rule.answered and (answer is None or answer[1] > event.seq):
                reasons.append(
                    msg(N_("{cell} had not answered consultation event {seq}"), cell=c, seq=x.seq)
                )
                continue
            if answer is not None and answer[1] < event.seq:
                text = msg(
                    N_("{cell} {ago} before (consultation event {seq}, answered event {answer})"),
                    cell=c,
                    ago=minutes(before),
                    seq=x.seq,
                    answer=answer[1],
                )
            else:
                text = msg(
                    N_("{cell} {ago} before (consultation event {seq})"),
                    cell=c,
                    ago=minutes(before),
                    seq=x.seq,
                )
            return True, text, x.seq  # fmt: skip
        return False, Join(tuple(reasons), "; "), 0

    def _consent(self, c: str, event: Event, subjects: list[Subject]) -> tuple[bool, Msg, int]:
        latest: tuple[bool, int, int] | None = None
        for s in subjects:
            d = self.consents.get(s, {}).get(c)
            if d is not None and (latest is None or d[2] > latest[2]):
                latest = d
        if latest is None:
            return False, msg(N_("without consent from {cell}"), cell=c), 0
        given, at, seq = latest
        clock = self._clock(at)
        if not given:
            why = N_("after {cell} refused consent (event {seq}, {clock})")
            return False, msg(why, cell=c, seq=seq, clock=clock), seq
        why = N_("with consent from {cell} (event {seq}, {clock})")
        return True, msg(why, cell=c, seq=seq, clock=clock), seq

    def _act_v2(self, event: Event) -> None:
        rule, d = self.rule, event.data
        assert isinstance(d, ev.MoveSubmitted)
        stated = self.intents.get(d.intent) if d.intent is not None else None
        where = place_note(rule.places, stated)
        if where is None:
            return  # an action elsewhere: another rule's business
        subjects = self._subjects(event)
        done: list[Param] = []
        failed: list[Param] = []
        seqs = [event.seq]
        for c in rule.consult:
            ok, why, seq = self._consulted(c, event, subjects)
            if ok:
                done.append(why)
                seqs.append(seq)
            else:
                failed.append(msg(N_("{cell} not consulted: {why}"), cell=c, why=why))
        consent_ok: list[Param] = []
        for c in rule.consent:
            ok, why, seq = self._consent(c, event, subjects)
            (consent_ok if ok else failed).append(why)
            if seq:
                seqs.append(seq)
        what = self._what(event, where)
        parts: list[Param] = []
        if done:
            parts.append(msg(N_("after consulting {done}"), done=Join(tuple(done), "; ")))
        parts.extend(consent_ok)
        if not failed:
            self.award(
                f"move:{event.seq}", (rule.cell,), float(rule.points), float(rule.points),
                tuple(sorted(set(seqs))),
                msg(N_("{what} {parts}: {of}/{of}"),
                    what=what, parts=Join(tuple(parts)), of=pts(rule.points)),
            )  # fmt: skip
        else:
            self.award(
                f"move:{event.seq}", (rule.cell,), -float(rule.penalty), float(rule.points),
                tuple(sorted(set(seqs))),
                msg(N_("{what}: {failed}: 0/{of}{penalty}"),
                    what=what, failed=Join(tuple(failed), "; "), of=pts(rule.points),
                    penalty=self._penalty()),
            )  # fmt: skip


class JointTracker(Tracker):
    """Coordinated when every ``required`` cell and ``quorum`` of ``cells`` commit (a
    move of kind ``action``) within one window of ``within``. With ``anchor: first``
    any span of ``within`` will do and each commitment counts for ``within`` after it;
    with ``startex`` or an inject the window is fixed: from STARTEX, or from the inject's
    first release. A ``unilateral`` cell that committed in a window that closes without
    the joint action loses ``penalty``."""

    handles = (ev.MoveSubmitted, ev.InjectReleased)
    rule: JointRule

    def __init__(self, rule: JointRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.within = _ms(rule.within)
        self.parties = (*rule.required, *rule.cells)
        self.last: dict[str, tuple[int, int]] = {}  # cell -> (game_ms, seq) of its latest
        self.done = False
        self.close_at: int | None = None
        self.anchored = rule.anchor != "first"
        self.t0: int | None = None  # start of a fixed window
        self.anchor_seq: int | None = None
        self.anchor_what: Param = ""
        self.v2_words = bool(rule.required) or self.anchored  # else the version-1 wording
        if rule.anchor == "startex":
            self._open(0, None, "STARTEX")

    def _open(self, t0: int, seq: int | None, what: Param) -> None:
        self.t0 = t0
        self.anchor_seq = seq
        self.anchor_what = what
        self.close_at = t0 + self.within
        self._report({}, PENDING)
        self.scorer.at(self.close_at, functools.partial(self._close, self.close_at))

    def _members(self, now: int) -> dict[str, tuple[int, int]]:
        if self.anchored:
            return dict(self.last)
        return {c: v for c, v in self.last.items() if v[0] >= now - self.within}

    def _complete(self, members: dict[str, tuple[int, int]]) -> bool:
        rule = self.rule
        return all(c in members for c in rule.required) and (
            sum(1 for c in rule.cells if c in members) >= rule.quorum
        )

    def _anchor_seqs(self) -> tuple[int, ...]:
        return (self.anchor_seq,) if self.anchor_seq is not None else ()

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if isinstance(d, ev.InjectReleased):
            if d.inject == rule.anchor and self.t0 is None and not self.done:
                self._open(
                    event.game_ms, event.seq,
                    msg(N_("the release of {inject}"), inject=rule.anchor),
                )  # fmt: skip
            return
        if not isinstance(d, ev.MoveSubmitted):
            return
        cell = d.cell
        if self.done or d.kind != rule.action or cell not in self.parties:
            return
        if self.anchored and (self.close_at is None or event.game_ms > self.close_at):
            return  # before the inject that asks for it, or after the window
        self.last[cell] = (event.game_ms, event.seq)
        members = self._members(event.game_ms)
        if self._complete(members):
            self.done = True
            needed = self._needed() if self.v2_words else msg(N_("quorum {n}"), n=rule.quorum)
            cells = tuple(sorted(members, key=lambda c: members[c]))
            if self.anchored:
                span = msg(
                    N_("within {span} of {anchor}"),
                    span=minutes(event.game_ms - (self.t0 or 0)),
                    anchor=self.anchor_what,
                )
            else:
                first = min(t for t, _ in members.values())
                span = msg(N_("within {span}"), span=minutes(event.game_ms - first))  # fmt: skip
            self.award(
                "joint", cells, float(rule.points), float(rule.points),
                tuple(sorted({*self._anchor_seqs(), *(s for _, s in members.values())})),
                msg(N_("{n} of {total} cells ({cells}) committed to {action} {span} "
                       "({needed}, window {window}): {of}/{of}"),
                    n=len(cells), total=len(self.parties), cells=", ".join(cells),
                    action=rule.action, span=span, needed=needed, window=window(rule.within),
                    of=pts(rule.points)),
            )  # fmt: skip
            return
        if not self.anchored:
            self.close_at = event.game_ms + self.within
            self.scorer.at(self.close_at, functools.partial(self._close, self.close_at))
        self._report(members, PENDING)

    def _needed(self) -> Join:
        rule = self.rule
        parts: list[Param] = []
        if rule.required:
            parts.append(msg(N_("required {cells}"), cells=", ".join(rule.required)))
        if rule.quorum:
            parts.append(
                msg(N_("quorum {n} of {cells}"), n=rule.quorum, cells=", ".join(rule.cells))
            )
        return Join(tuple(parts), N_(" and "))

    def _missing(self, members: dict[str, tuple[int, int]]) -> Join:
        rule = self.rule
        parts: list[Param] = []
        absent = [c for c in rule.required if c not in members]
        if absent:
            parts.append(msg(N_("missing required {cells}"), cells=", ".join(absent)))
        got = sum(1 for c in rule.cells if c in members)
        if got < rule.quorum:
            parts.append(msg(N_("{got} of the {n} others needed"), got=got, n=rule.quorum))
        return Join(tuple(parts), "; ")

    def _report(self, members: dict[str, tuple[int, int]], status: str) -> None:
        rule = self.rule
        joined: Param = ", ".join(sorted(members, key=lambda c: members[c])) or msg(N_("none"))
        seqs = tuple(sorted({*self._anchor_seqs(), *(s for _, s in members.values())}))
        state = (
            msg(N_("so far"))
            if status == PENDING
            else msg(N_("within {span}"), span=window(rule.within))
        )
        if not self.v2_words:
            text = msg(
                N_("only {n} of the {quorum} cells needed committed to {action} {state} "
                   "({cells}): 0/{of}"),
                n=len(members), quorum=rule.quorum, action=rule.action, state=state,
                cells=joined, of=pts(rule.points),
            )  # fmt: skip
        elif self.anchored:
            text = msg(
                N_("committed to {action} {state} of {anchor}: {cells} ({missing}): 0/{of}"),
                action=rule.action, state=state, anchor=self.anchor_what, cells=joined,
                missing=self._missing(members), of=pts(rule.points),
            )  # fmt: skip
        else:
            text = msg(
                N_("committed to {action} {state}: {cells} ({missing}): 0/{of}"),
                action=rule.action, state=state, cells=joined,
                missing=self._missing(members), of=pts(rule.points),
            )  # fmt: skip
        self.award("joint", self.parties, 0.0, float(rule.points), seqs, text, status)

    def _close(self, at: int) -> None:
        if not self.done and at == self.close_at:
            members = self._members(at)
            self._report(members, FINAL)
            self._penalise(members)
            if self.anchored:
                self.done = True  # a fixed window comes once
            else:
                self.close_at = None

    def _penalise(self, members: dict[str, tuple[int, int]]) -> None:
        rule = self.rule
        for c in rule.unilateral:
            if c in members:
                seq = members[c][1]
                self.award(
                    f"alone:{c}:{seq}", (c,), -float(rule.penalty), 0.0, (seq,),
                    msg(N_("{cell} took {action} (event {seq}) without the joint action coming "
                           "about ({missing}): unilateral, penalty −{points}"),
                        cell=c, action=rule.action, seq=seq, missing=self._missing(members),
                        points=pts(rule.penalty)),
                )  # fmt: skip

    def finish(self) -> None:
        if self.done:
            return
        if self.close_at is not None:
            members = self._members(self.scorer.now_ms)
            start = self.close_at - self.within
            self.unscored(
                "joint", self.parties, start, self.within,
                tuple(sorted({*self._anchor_seqs(), *(s for _, s in members.values())})),
                (
                    msg(N_("{n} of the {total} cells had committed to {action} ({missing})"),
                        n=len(members), total=len(self.parties), action=self.rule.action,
                        missing=self._missing(members))
                    if self.v2_words
                    else msg(N_("{n} of the {quorum} cells needed had committed to {action}"),
                             n=len(members), quorum=self.rule.quorum, action=self.rule.action)
                ),
            )  # fmt: skip
        elif self.rule.anchor not in ("first", "startex") and self.t0 is None:
            self.award(
                "joint", self.parties, 0.0, 0.0, (),
                msg(N_("{inject} was never released: {action} not exercised, not scored"),
                    inject=self.rule.anchor, action=self.rule.action),
            )  # fmt: skip
        elif not self.last:
            self.award(
                "joint", self.parties, 0.0, 0.0, (),
                msg(N_("no cell committed to {action}: not exercised, not scored"),
                    action=self.rule.action),
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
                        msg(
                            N_("{cell} took the expected {action} on {inject} to {to} "
                               "{latency} after its release (window {window}): {of}/{of}")
                            if x.needed
                            else N_("{cell} took the expected {action} on {inject} {latency} "
                                    "after its release (window {window}): {of}/{of}"),
                            cell=x.cell, action=x.action, inject=x.inject,
                            to=", ".join(sorted(x.needed)), latency=minutes(latency),
                            window=minutes(x.deadline - x.t0), of=pts(rule.points),
                        ),
                        latency_ms=latency,
                    )  # fmt: skip
        self.open[key] = [x for x in self.open[key] if x.open]

    def _report(self, x: _Expected, status: str) -> None:
        rule = self.rule
        got = len(x.covered)
        need = len(x.needed)
        if status == PENDING:
            text = msg(N_("{cell} has not yet taken the expected {action} on {inject}"),
                       cell=x.cell, action=x.action, inject=x.inject)  # fmt: skip
            points = 0.0
        elif need and got:
            points = rule.points * got / need
            missing = ", ".join(sorted(x.needed - x.covered.keys()))
            text = msg(
                N_("{cell}'s {action} on {inject} reached {got} of {need} addressees in time "
                   "(missing {missing}): {points}/{of} = {of} × {got}/{need}"),
                cell=x.cell, action=x.action, inject=x.inject, got=got, need=need,
                missing=missing, points=pts(points), of=pts(rule.points),
            )  # fmt: skip
        else:
            points = 0.0
            text = msg(
                N_("{cell} did not take the expected {action} on {inject} within {window}: "
                   "0/{of}"),
                cell=x.cell, action=x.action, inject=x.inject,
                window=minutes(x.deadline - x.t0), of=pts(rule.points),
            )  # fmt: skip
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
                        msg(N_("{cell} had not yet taken the expected {action} on {inject}"),
                            cell=x.cell, action=x.action, inject=x.inject),
                    )  # fmt: skip


class NetworkTracker(Tracker):
    """Each required liaison link earns its share once it carried ``exchanges``
    messages, moves, consultations, answers or consents (with ``both_ways``, at least
    one each way)."""

    handles = TRAFFIC
    rule: NetworkRule

    def __init__(self, rule: NetworkRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.share = rule.points / len(rule.required) if rule.required else 0.0
        self.links = {frozenset(pair): pair for pair in rule.required}
        self.used: set[frozenset[str]] = set()
        self.counts: dict[frozenset[str], list[int]] = {}  # link -> [a to b, b to a]
        self.plain = rule.exchanges == 1 and not rule.both_ways  # the version-1 wording
        for a, b in rule.required:
            self.award(
                f"{a}<->{b}", (a, b), 0.0, self.share, (),
                msg(N_("no traffic yet between {a} and {b}"), a=a, b=b), PENDING, pair=(a, b),
            )  # fmt: skip

    def _needs(self) -> Msg:
        rule = self.rule
        n = nmsg("{n} exchange", "{n} exchanges", rule.exchanges)
        return msg(N_("{needs}, at least one each way"), needs=n) if rule.both_ways else n

    def _tally(self, link: frozenset[str]) -> Msg:
        a, b = self.links[link]
        ab, ba = self.counts.get(link, [0, 0])
        return msg(N_("{ab} from {a} to {b}, {ba} back"), ab=ab, a=a, b=b, ba=ba)

    def feed(self, event: Event) -> None:
        d = event.data
        if not isinstance(d, Traffic):
            return
        sender = d.cell
        rule = self.rule
        for c in d.to:
            link = frozenset((sender, c))
            if link not in self.links or link in self.used:
                continue
            a, b = self.links[link]
            count = self.counts.setdefault(link, [0, 0])
            count[0 if sender == a else 1] += 1
            done = sum(count) >= rule.exchanges and (not rule.both_ways or min(count) > 0)
            if done:
                self.used.add(link)
                text = (
                    msg(
                        N_(
                            "the required liaison link {a}–{b} was used ({sender} to {to}, "
                            "event {seq})"
                        ),
                        a=a,
                        b=b,
                        sender=sender,
                        to=c,
                        seq=event.seq,
                    )
                    if self.plain
                    else msg(
                        N_(
                            "the required liaison link {a}–{b} carried {tally} by event "
                            "{seq} (needed {needs})"
                        ),
                        a=a,
                        b=b,
                        tally=self._tally(link),
                        seq=event.seq,
                        needs=self._needs(),
                    )
                )
                self.award(
                    f"{a}<->{b}", (a, b), self.share, self.share, (event.seq,),
                    msg(N_("{text}: {got}/{of}"), text=text, got=pts(self.share),
                        of=pts(self.share)),
                    pair=(a, b),
                )  # fmt: skip
            else:
                self.award(
                    f"{a}<->{b}", (a, b), 0.0, self.share, (event.seq,),
                    msg(N_("the link {a}–{b} has carried {tally} so far (needed {needs})"),
                        a=a, b=b, tally=self._tally(link), needs=self._needs()),
                    PENDING, pair=(a, b),
                )  # fmt: skip

    def finish(self) -> None:
        for link, (a, b) in self.links.items():
            if link in self.used:
                continue
            if link not in self.counts:
                text = msg(
                    N_("the required liaison link {a}–{b} carried no message or move in either "
                       "direction"), a=a, b=b,
                )  # fmt: skip
            else:
                text = msg(
                    N_("the required liaison link {a}–{b} carried only {tally} (needed {needs})"),
                    a=a, b=b, tally=self._tally(link), needs=self._needs(),
                )  # fmt: skip
            self.award(
                f"{a}<->{b}", (a, b), 0.0, self.share, (),
                msg(N_("{text}: 0/{of}"), text=text, of=pts(self.share)), pair=(a, b),
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
                    msg(N_("{cell} has not yet answered question {module}/{n}"),
                        cell=cell, module=module, n=n), PENDING,
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
            msg(N_("{cell} answered question {module}/{n} (event {seq}): {of}/{of}"),
                cell=cell, module=module, n=n, seq=event.seq, of=pts(self.share)),
        )  # fmt: skip

    def finish(self) -> None:
        for module, n in self.questions:
            for cell in self.rule.cells:
                if (module, n, cell) not in self.answered:
                    self.award(
                        f"{module}/{n}:{cell}", (cell,), 0.0, self.share, (),
                        msg(N_("{cell} never answered question {module}/{n}: 0/{of}"),
                            cell=cell, module=module, n=n, of=pts(self.share)),
                    )  # fmt: skip


def about_of(data: EventData) -> str | None:
    """The inject a piece of traffic is about: the inject a move answers, a message is
    about, or a consultation or consent is linked to."""
    if isinstance(data, ev.MoveSubmitted):
        return data.answers
    if isinstance(data, ev.MessageSent):
        return data.about
    if isinstance(data, ev.ConsultationSent | ev.ConsentGiven | ev.ConsentRefused):
        return data.inject
    return None


class ChannelTracker(Tracker):
    """One negotiating channel: ``cell`` earns the points once its traffic reached a
    counterpart on the rule's subject; every other player cell's traffic to a counterpart
    on that subject is a parallel channel and loses ``penalty``."""

    handles = TRAFFIC
    rule: ChannelRule

    def __init__(self, rule: ChannelRule, scorer: Scorer) -> None:
        super().__init__(rule, scorer)
        self.opened: int | None = None  # seq of the channel's first use
        self.players = {c.id for c in scorer.scenario.player_cells}
        self.subject = (
            msg(N_("on {subjects}"), subjects=", ".join(rule.about))
            if rule.about
            else msg(N_("on any subject"))
        )
        self.award(
            "channel", (rule.cell,), 0.0, float(rule.points), (),
            msg(N_("{cell} has not yet used the channel to {to} {subject}"),
                cell=rule.cell, to=", ".join(rule.counterpart), subject=self.subject),
            PENDING,
        )  # fmt: skip

    def _on_subject(self, data: EventData) -> str | None:
        """What the traffic is about, when it is on the rule's subject ('' for any)."""
        about = about_of(data)
        if not self.rule.about:
            return about or ""
        return about if about in self.rule.about else None

    def feed(self, event: Event) -> None:
        rule, d = self.rule, event.data
        if not isinstance(d, Traffic):
            return
        reached = [c for c in d.to if c in rule.counterpart]
        if not reached or d.cell in rule.counterpart:
            return
        about = self._on_subject(d)
        if about is None:
            return
        what: Param = msg(N_(" about {inject}"), inject=about) if about else ""
        if d.cell == rule.cell:
            if self.opened is None:
                self.opened = event.seq
                self.award(
                    "channel", (rule.cell,), float(rule.points), float(rule.points),
                    (event.seq,),
                    msg(N_("{cell} used the channel to {to}{what} (event {seq}): {of}/{of}"),
                        cell=rule.cell, to=", ".join(reached), what=what, seq=event.seq,
                        of=pts(rule.points)),
                )  # fmt: skip
            return
        if d.cell not in self.players:
            return  # control and the counterpart's own side are not channels
        held = (
            msg(N_("the channel {cell} opened (event {seq})"), cell=rule.cell, seq=self.opened)
            if self.opened is not None
            else msg(N_("the channel reserved to {cell}"), cell=rule.cell)
        )
        penalty: Param = (
            msg(N_(", penalty −{points}"), points=pts(rule.penalty)) if rule.penalty else ""
        )
        self.award(
            f"parallel:{event.seq}", (d.cell,), -float(rule.penalty), 0.0, (event.seq,),
            msg(N_("{cell} went to {to}{what} (event {seq}) outside {held}: a parallel "
                   "channel{penalty}"),
                cell=d.cell, to=", ".join(reached), what=what, seq=event.seq, held=held,
                penalty=penalty),
        )  # fmt: skip

    def finish(self) -> None:
        rule = self.rule
        if self.opened is None:
            self.award(
                "channel", (rule.cell,), 0.0, float(rule.points), (),
                msg(N_("{cell} never used the channel to {to} {subject}: 0/{of}"),
                    cell=rule.cell, to=", ".join(rule.counterpart), subject=self.subject,
                    of=pts(rule.points)),
            )  # fmt: skip


TRACKERS: dict[type, Callable[[Any, Scorer], Tracker]] = {
    NotifyRule: NotifyTracker,
    AcknowledgeRule: AcknowledgeTracker,
    DeconflictRule: DeconflictTracker,
    JointRule: JointTracker,
    RespondRule: RespondTracker,
    NetworkRule: NetworkTracker,
    AnswerRule: AnswerTracker,
    ChannelRule: ChannelTracker,
}
