"""Events as one readable line each (for ``exercise log``, feeds and reports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from exercise.engine import events as ev
from exercise.model import Scenario
from exercise.model.event import Event


def game_clock(scenario: Scenario, game_ms: int) -> str:
    """``D+N HH:MM`` of a game time, in the scenario's local time."""
    at = scenario.start + timedelta(milliseconds=game_ms)
    day = (at.date() - scenario.start.date()).days
    return f"D+{day} {at:%H:%M}"


def wall_clock(wall_us: int) -> str:
    return datetime.fromtimestamp(wall_us / 1e6, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _list(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "-"


def summary(event: Event) -> str:
    """What happened, in a few words (player text quoted as data)."""
    p = event.payload
    t = event.type
    behalf = " (entered by control)" if p.get("on_behalf") else ""
    if t == ev.CLOCK_STARTED:
        return f"STARTEX, clock ratio {p.get('ratio')}"
    if t == ev.CLOCK_PAUSED:
        return "clock paused"
    if t == ev.CLOCK_RESUMED:
        return "clock resumed"
    if t == ev.CLOCK_RATIO_SET:
        return f"clock ratio set to {p['ratio']}"
    if t == ev.CLOCK_JUMPED:
        return f"game time jumped to {int(p['to_ms']) // 60000} min"
    if t == ev.EXERCISE_ENDED:
        return "ENDEX" + (f": {p['reason']!r}" if p.get("reason") else "")
    if t == ev.INJECT_RELEASED:
        return f"{p['inject']} released to {_list(p.get('to'))} ({p.get('reason', '')})"
    if t in (ev.INJECT_HELD, ev.INJECT_SKIPPED):
        verb = "held" if t == ev.INJECT_HELD else "skipped"
        return f"{p['inject']} {verb}" + (f": {p['reason']!r}" if p.get("reason") else "")
    if t == ev.INJECT_UNHELD:
        return f"{p['inject']} back in the MSEL"
    if t == ev.INJECT_RETIMED:
        return f"{p['inject']} retimed to +{int(p['time_ms']) // 60000} min"
    if t == ev.INJECT_ADDED:
        return f"ad-hoc inject {p['inject']} added: {p.get('title', '')!r}"
    if t == ev.ITEM_PUBLISHED:
        return f"{p['item']} made public"
    if t == ev.ITEM_READ:
        return f"{p['cell']} read {p['item']}"
    if t == ev.ITEM_ACKNOWLEDGED:
        return f"{p['cell']} acknowledged {p['item']}{behalf}"
    if t == ev.MOVE_SUBMITTED:
        ans = f" answering {p['answers']}" if p.get("answers") else ""
        to = _list(p.get("to"))
        return f"{p['cell']} move {p['kind']} to {to}{ans}: {p.get('text', '')!r}{behalf}"
    if t == ev.MOVE_ARGUED:
        return f"{p['cell']} argues {p['stance']} move {p['move']}: {p.get('text', '')!r}{behalf}"
    if t == ev.MOVE_ADJUDICATED:
        extra = ""
        m = p.get("matrix")
        if m:
            extra = f" (2d6 {m['dice'][0]}+{m['dice'][1]}, total {m['total']}, seed {m['seed']})"
        return f"move {p['move']} {p['outcome']}{extra}" + (
            f": {p['text']!r}" if p.get("text") else ""
        )
    if t == ev.MESSAGE_SENT:
        return f"{p['cell']} message to {_list(p.get('to'))}: {p.get('text', '')!r}{behalf}"
    if t == ev.RFI_ASKED:
        return f"{p['cell']} asks control: {p.get('text', '')!r}{behalf}"
    if t == ev.RFI_ANSWERED:
        return f"control answers request {p['rfi']}: {p.get('text', '')!r}"
    if t == ev.OBSERVATION_RECORDED:
        return f"observation ({p.get('kind', 'note')}): {p.get('text', '')!r}"
    if t == ev.CONSOLE_JOINED:
        return f"a console joined as {p['cell']}"
    if t == ev.CONSOLE_REFUSED:
        return f"a console was refused as {p['cell']!r}: {p.get('reason', '')}"
    if t == ev.IMPROVEMENT_PLANNED:
        if p.get("removed"):
            return f"improvement plan item {p['item']} removed"
        return f"improvement plan {p['item']}: {p.get('issue', '')!r}"
    if t == ev.RATING_OVERRIDDEN:
        if p.get("rating") is None:
            return f"rating override of {p['objective']} withdrawn"
        return f"{p['objective']} rated {p['rating']} by control: {p.get('reason', '')!r}"
    return t


def line(scenario: Scenario, event: Event) -> str:
    return (
        f"{event.seq:>6}  {game_clock(scenario, event.game_ms)}  {wall_clock(event.wall_us)}  "
        f"{event.actor:<14} {event.type:<22} {summary(event)}"
    )
