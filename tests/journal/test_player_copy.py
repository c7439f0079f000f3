"""A cell's copy of the scenario (what a PostgreSQL cell role reads, see exercise.roles):
no MSEL, no notes, no rules; a released inject's text, in every language of the scenario,
comes with its release. No server needed: the copy and the fold are the same everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import attrs

from exercise.engine import CONTROL, view
from exercise.engine import commands as c
from exercise.engine.state import State, apply
from exercise.roles import player_bundle
from exercise.scenario.translations import localized
from exercise.session import Session, load_bundle

from ..conftest import ROOT


def test_the_players_copy_holds_no_inject_and_the_release_brings_it_in_each_language(
    tmp_path: Path,
) -> None:
    scenario = ROOT / "scenarios" / "insurgent-incursion.yaml"
    with Session.create(scenario, str(tmp_path / "s.db")) as control:
        bundle = player_bundle(control.journal.meta()["scenario_bundle"])
        copy = load_bundle(json.loads(bundle))
        assert copy.msel == () and not copy.ruleset.rules
        assert "ru" in copy.translations  # the cells' own language stays
        for inject in control.scenario.msel:
            for text in (inject.title, inject.body, inject.notes):
                assert len(text) < 12 or text not in bundle, inject.id
        control.execute(c.Start(CONTROL))
        control.execute(c.Release(CONTROL, "INC-001"))
        events = control.journal.read()

        def fold(state: State) -> State:
            for event in events:
                apply(state, event)
            return state

        for lang in ("en", "ru"):
            shown = localized(control.scenario, lang)
            full = fold(State(shown, language=lang, source=control.scenario))
            player = fold(State(localized(copy, lang), language=lang, source=copy))
            ours = [attrs.evolve(i, marking="") for i in view(player, "kgz-mod").injects]
            theirs = [attrs.evolve(i, marking="") for i in view(full, "kgz-mod").injects]
            assert ours == theirs and ours[0].id == "INC-001"
        assert (
            view(player, "kgz-mod").injects[0].title
            == localized(control.scenario, "ru").inject("INC-001").title
        )
