"""Rules that cannot mean anything are refused, each at its file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.scenario import ScenarioError, load_scenario

SCN = "scenarios/mini.yaml"
RUL = "rules/mini.yaml"


def problems() -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(SCN)
    return [str(p) for p in info.value.problems]


def v2(edit) -> None:
    edit(RUL, "ratings:", "version: 2\nratings:")


def test_consult_list_containing_the_actor(mini: Path, edit) -> None:
    edit(RUL, "consult: [kgz-mod, liaison]", "consult: [kgz-mod, uzb-mod]")
    assert problems() == [
        f"{RUL}:24:24: uzb-mod is the cell acting: it cannot consult itself "
        "(hint: remove uzb-mod from 'consult')"
    ]


def test_consent_list_containing_the_actor(mini: Path, edit) -> None:
    v2(edit)
    edit(RUL, "consult: [kgz-mod, liaison]", "consult: [liaison]\n    consent: [uzb-mod]")
    assert problems() == [
        f"{RUL}:26:15: uzb-mod is the cell acting: it cannot consent itself "
        "(hint: remove uzb-mod from 'consent')"
    ]


def test_consent_needs_version_2(mini: Path, edit) -> None:
    edit(RUL, "consult: [kgz-mod, liaison]", "consult: [liaison]\n    consent: [kgz-mod]")
    assert problems() == [
        f"{RUL}:25:5: 'consent' needs the version 2 rules semantics (hint: add 'version: 2' "
        "at the top of the rules file (docs/scoring.md))"
    ]


def test_lead_longer_than_the_window(mini: Path, edit) -> None:
    v2(edit)
    edit(RUL, "consult: [kgz-mod, liaison]",
         'consult: [kgz-mod, liaison]\n    within: "01:00"\n    lead: "02:00"')  # fmt: skip
    assert problems() == [
        f"{RUL}:27:11: lead time 02:00 is longer than the window 01:00: no consultation "
        "could ever count (hint: shorten 'lead' or lengthen 'within')"
    ]


def test_required_cell_that_can_never_act(mini: Path, edit) -> None:
    edit(RUL, "cells: [kgz-mod, uzb-mod]\n    quorum: 2",
         "cells: [kgz-mod]\n    required: [white]\n    quorum: 1")  # fmt: skip
    assert problems() == [
        f"{RUL}:31:16: white is an exercise control cell: it never makes moves, so it can "
        "never take part (hint: list player cells only)"
    ]


def test_required_cell_that_never_receives_the_anchor(mini: Path, edit) -> None:
    joint = "cells: []\n    required: [kgz-mod, uzb-mod]\n    quorum: 0\n    anchor: INJ-001"
    edit(RUL, "cells: [kgz-mod, uzb-mod]\n    quorum: 2", joint)
    assert problems() == [
        f"{RUL}:31:25: uzb-mod never receives INJ-001, the inject the window is anchored to "
        "(hint: address INJ-001 to uzb-mod, or anchor the window elsewhere)"
    ]


def test_weights_that_are_not_positive(mini: Path, edit) -> None:
    edit(RUL, "notify: [uzb-mod, liaison]", "notify: [uzb-mod, liaison]\n    weights: {uzb-mod: 0}")
    assert problems() == [f"{RUL}:10:24: the weight of uzb-mod must be a positive number, not 0"]


def test_unknown_rules_version(mini: Path, edit) -> None:
    edit(RUL, "ratings:", "version: 3\nratings:")
    assert problems() == [
        f"{RUL}:1:10: unknown rules version 3 (hint: write 'version: 2' (or leave it out "
        "for version 1), docs/scoring.md)"
    ]


def test_after_adjudication_of_a_kind_never_adjudicated(mini: Path, edit) -> None:
    edit(RUL, "    inject: INJ-001\n    cell: kgz-mod",
         "    move: warn\n    after: adjudication\n    cell: kgz-mod")  # fmt: skip
    assert problems() == [
        f"{RUL}:8:12: moves of kind 'warn' are never adjudicated (hint: use 'after: move', or "
        "mark the move kind 'adjudicate: true')"
    ]


def test_version_2_rules_load(mini: Path, edit) -> None:
    v2(edit)
    edit(RUL, "consult: [kgz-mod, liaison]",
         'consult: [kgz-mod, liaison]\n    consent: [kgz-mod]\n    lead: "00:30"\n'
         "    answered: true")  # fmt: skip
    scn = load_scenario(SCN)
    assert scn.ruleset.version == 2


def test_places_need_version_2(mini: Path, edit) -> None:
    edit(RUL, "consult: [kgz-mod, liaison]", "consult: [kgz-mod, liaison]\n    places: [Sokh]")
    assert problems() == [
        f"{RUL}:25:5: 'places' needs the version 2 rules semantics (hint: add 'version: 2' "
        "at the top of the rules file (docs/scoring.md))"
    ]


def test_places_named_twice_or_blank(mini: Path, edit) -> None:
    v2(edit)
    edit(RUL, "consult: [kgz-mod, liaison]",
         'consult: [kgz-mod, liaison]\n    places: [Sokh, " ", Sokh]')  # fmt: skip
    assert problems() == [
        f"{RUL}:26:20: a place needs a name (hint: write the place's name)",
        f"{RUL}:26:25: place 'Sokh' listed twice",
    ]


def test_places_on_an_inject_rule(mini: Path, edit) -> None:
    v2(edit)
    edit(RUL, "notify: [uzb-mod, liaison]", "notify: [uzb-mod, liaison]\n    places: [Sokh]")
    assert problems() == [
        f"{RUL}:11:5: 'places' applies to rules on a move, not on an inject (hint: remove "
        "'places', or name the move kind in 'move')"
    ]


CHANNEL = """
  - id: one-channel
    kind: channel
    objective: OBJ-1
    points: 10
    penalty: 5
    cell: kgz-mod
    counterpart: [liaison, kgz-mod]
    about: [INJ-001, INJ-009]
"""


def test_channel_rule_problems(mini: Path, edit) -> None:
    v2(edit)
    (mini / RUL).write_text((mini / RUL).read_text(encoding="utf-8") + CHANNEL, encoding="utf-8")
    got = problems()
    assert len(got) == 2, got
    assert got[0].endswith(
        "kgz-mod holds the channel: it cannot also be its counterpart (hint: remove kgz-mod "
        "from 'counterpart')"
    )
    assert "unknown inject 'INJ-009'" in got[1]
    assert all(p.startswith(f"{RUL}:") for p in got)


def test_channel_rule_needs_version_2(mini: Path, edit) -> None:
    (mini / RUL).write_text(
        (mini / RUL).read_text(encoding="utf-8")
        + CHANNEL.replace("liaison, kgz-mod", "liaison").replace(", INJ-009", ""),
        encoding="utf-8",
    )
    (got,) = problems()
    assert "rules of kind 'channel' need the version 2 rules semantics" in got
