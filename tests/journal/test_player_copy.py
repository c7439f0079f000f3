"""A cell's copy of the scenario (what a PostgreSQL cell role reads, see exercise.roles):
no MSEL, no notes, no rules; a released inject's text, in every language of the scenario,
comes with its release. No server needed: the copy and the fold are the same everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import attrs

from exercise.engine import CONTROL, view
from exercise.engine import commands as c
from exercise.engine.decide import decide
from exercise.engine.state import State, apply
from exercise.model import events as ev
from exercise.model.event import Event
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


def test_the_players_copy_holds_modules_by_id_and_their_opening_brings_the_words(
    tmp_path: Path,
) -> None:
    """No module's title, summary or question is in a cell's copy; ``module.opened``
    carries them in each language, and the cell's fold shows (and answers) the module
    as control's does. An opening recorded without words shows the module by id only."""
    scenario = ROOT / "scenarios" / "insurgent-incursion.yaml"
    with Session.create(scenario, str(tmp_path / "s.db")) as control:
        bundle = player_bundle(control.journal.meta()["scenario_bundle"])
        copy = load_bundle(json.loads(bundle))
        modules = control.scenario.modules
        assert len(modules) > 1 and [m.id for m in copy.modules] == [m.id for m in modules]
        for lang in ("en", "ru"):
            for module in localized(control.scenario, lang).modules:
                words = (module.title, module.summary, *module.questions)
                assert [t for t in words if len(t) > 12 and t in bundle] == [], module.id
        later = next(m for m in modules if m.start.total_seconds() > 0)
        control.execute(c.Start(CONTROL))
        control.execute(c.OpenModule(CONTROL, later.id))
        events = control.journal.read()
        opened = [e.data for e in events if isinstance(e.data, ev.ModuleOpened)]
        assert [w.language for w in opened[0].words] == ["en", "ru"]

        def fold(state: State, events: list[Event]) -> State:
            for event in events:
                apply(state, event)
            return state

        for lang in ("en", "ru"):
            full = fold(State(localized(control.scenario, lang), language=lang), events)
            player = fold(State(localized(copy, lang), language=lang, source=copy), events)
            ours = [q for q in view(player, "kgz-mod").questions if q.module == later.id]
            theirs = [q for q in view(full, "kgz-mod").questions if q.module == later.id]
            assert ours == theirs and len(ours) == len(later.questions)
            shown = localized(control.scenario, lang).modules[modules.index(later)]
            assert ours[0].module_title == shown.title and ours[0].text == shown.questions[0]
        # the cell answers on its own copy, as a cell's role does
        command = c.AnswerQuestion("kgz-mod", "kgz-mod", later.id, 2, "We call.")
        answer = decide(player, command, player.last_wall_us + 1)
        assert [(e.type, e.payload["question"]) for e in answer] == [("question.answered", 2)]
        # an old session: the opening carries no words
        bare = [
            attrs.evolve(e, data=ev.ModuleOpened(module=later.id))
            if isinstance(e.data, ev.ModuleOpened)
            else e
            for e in events
        ]
        old = fold(State(copy, source=copy), bare)
        assert old.scenario.modules[modules.index(later)].title == later.id
        assert [q for q in view(old, "kgz-mod").questions if q.module == later.id] == []
