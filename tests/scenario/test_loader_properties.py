"""Property tests: the loader raises nothing but ScenarioError, and dump/load round-trips."""

from __future__ import annotations

import contextlib
import string
from datetime import datetime, timedelta
from pathlib import Path

import attrs
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from exercise.model import (
    AcknowledgeRule,
    Branch,
    Cell,
    Channel,
    DeconflictRule,
    ExpectedAction,
    Inject,
    JointRule,
    Module,
    MoveKind,
    NetworkRule,
    NotifyRule,
    Objective,
    Ratings,
    RespondRule,
    RuleSet,
    Scenario,
    Side,
    Trigger,
)
from exercise.scenario import ScenarioError, load_scenario
from exercise.scenario.dump import scenario_text
from exercise.scenario.yamlsafe import parse_document
from exercise.text import forbidden, mixed_script_word, skeleton

from ..conftest import FIXTURES

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KEYS = [
    "id", "title", "cells", "injects", "rules", "to", "time", "trigger", "after", "kind",
    "points", "within", "side", "name", "start", "duration", "timezone", "move_kinds",
    "objectives", "expects", "cell", "action", "notify", "quorum", "ratings", "P", "from",
]  # fmt: skip


def _load_text(folder: Path, scenario: str, injects: str = "injects: []\n") -> None:
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    (folder / "injects").mkdir(exist_ok=True)
    (folder / "scenarios" / "s.yaml").write_text(scenario, encoding="utf-8")
    (folder / "injects" / "s.yaml").write_text(injects, encoding="utf-8")
    try:
        load_scenario(folder / "scenarios" / "s.yaml")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError always names at least one problem"
        for p in exc.problems:
            assert p.line >= 1 and p.column >= 1 and p.message


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_scenario_error(data: bytes) -> None:
    with contextlib.suppress(ScenarioError):
        parse_document(data, "x.yaml")


@SETTINGS
@given(st.text(alphabet=string.printable + "äöü€\u2028", max_size=300))
def test_arbitrary_text_raises_only_scenario_error(tmp_path: Path, text: str) -> None:
    _load_text(tmp_path, text)


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 100)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["+00:30", "D+1 06:00", "01:00", "kgz-mod", "warn", "blue", "notify"])
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=8), yaml_values)
def test_arbitrary_yaml_structures_raise_only_scenario_error(
    tmp_path: Path, scenario: dict[str, object], injects: object
) -> None:
    _load_text(
        tmp_path,
        yaml.safe_dump(scenario, allow_unicode=True),
        yaml.safe_dump({"injects": injects}, allow_unicode=True),
    )


MINI = {
    name: (FIXTURES / "mini" / name / "mini.yaml").read_text(encoding="utf-8")
    for name in ("scenarios", "injects", "rules")
}


@SETTINGS
@given(
    st.sampled_from(sorted(MINI)),
    st.integers(0, 10_000),
    st.sampled_from(["delete-line", "duplicate-line", "insert", "delete-char"]),
    st.text(alphabet=" -:[]{}&*!#'\"\tabc\n", min_size=1, max_size=4),
)
def test_damaged_mini_files_raise_only_scenario_error(
    tmp_path: Path, which: str, where: int, how: str, junk: str
) -> None:
    files = dict(MINI)
    text = files[which]
    lines = text.splitlines(keepends=True)
    i = where % len(lines)
    pos = where % len(text)
    if how == "delete-line":
        del lines[i]
        text = "".join(lines)
    elif how == "duplicate-line":
        lines.insert(i, lines[i])
        text = "".join(lines)
    elif how == "insert":
        text = text[:pos] + junk + text[pos:]
    else:
        text = text[:pos] + text[pos + 1 :]
    files[which] = text
    for name, content in files.items():
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "mini.yaml").write_text(content, encoding="utf-8")
    try:
        load_scenario(tmp_path / "scenarios" / "mini.yaml")
    except ScenarioError as exc:
        assert exc.problems


# ------------------------------------------------------------------ round trip

ident = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
    max_size=30,
).filter(lambda t: forbidden(t) is None)  # validation refuses bidi overrides
minutes = st.integers(1, 48 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    cell_ids = draw(st.lists(ident, min_size=2, max_size=6, unique=True))
    # cell names pass for no other: no word mixes scripts, no two look the same
    names = draw(
        st.lists(
            text.filter(lambda t: bool(t) and mixed_script_word(t) is None),
            min_size=len(cell_ids), max_size=len(cell_ids),
            unique_by=lambda t: skeleton(t, fold=False),
        )
    )  # fmt: skip
    cells = tuple(
        Cell(
            id=c,
            name=names[n],
            side=Side.WHITE if n == 0 else draw(st.sampled_from(list(Side))),
            role=draw(text),
            members=tuple(draw(st.lists(text, max_size=2))),
        )
        for n, c in enumerate(cell_ids)
    )
    kinds = tuple(
        MoveKind(id=k, title=draw(text), adjudicate=draw(st.booleans()))
        for k in draw(st.lists(ident, min_size=1, max_size=4, unique=True))
    )
    objectives = tuple(
        Objective(id=o, title=draw(text), capability=draw(text))
        for o in draw(st.lists(ident.map(str.upper), min_size=1, max_size=3, unique=True))
    )
    duration = timedelta(hours=draw(st.integers(2, 72)))
    modules = tuple(
        Module(id=m, title=draw(text), start=timedelta(minutes=draw(st.integers(0, 60))))
        for m in draw(st.lists(ident, max_size=2, unique=True))
    )
    kind_ids = [k.id for k in kinds]
    obj_ids = [o.id for o in objectives]
    inject_ids = draw(st.lists(ident.map(str.upper), min_size=1, max_size=8, unique=True))
    injects = []
    for n, iid in enumerate(inject_ids):
        mode = draw(st.sampled_from(["time", "trigger", "contingency"])) if n else "time"
        to = tuple(draw(st.lists(st.sampled_from(cell_ids), min_size=1, unique=True)))
        expects = tuple(
            ExpectedAction(
                cell=draw(st.sampled_from(to)),
                action=draw(st.sampled_from(kind_ids)),
                within=draw(minutes),
                to=tuple(draw(st.lists(st.sampled_from(cell_ids), max_size=2, unique=True))),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        trigger = None
        if mode == "trigger":
            # only earlier injects: no cycles
            trigger = Trigger(
                after=draw(st.sampled_from(inject_ids[:n])),
                delay=draw(st.sampled_from([timedelta(0), timedelta(minutes=10)])),
            )
        injects.append(
            Inject(
                id=iid,
                title=draw(text),
                to=to,
                time=(
                    timedelta(minutes=draw(st.integers(0, int(duration.total_seconds()) // 60 - 1)))
                    if mode == "time"
                    else None
                ),
                trigger=trigger,
                from_=draw(text),
                channel=draw(st.sampled_from(list(Channel))),
                module=draw(st.sampled_from([None, *[m.id for m in modules]])),
                body=draw(text),
                expects=expects,
                objectives=tuple(draw(st.lists(st.sampled_from(obj_ids), unique=True))),
                notes=draw(text),
                questions=tuple(draw(st.lists(text, max_size=2))),
                branches=tuple(
                    Branch(inject=b, when=draw(text))
                    for b in draw(st.lists(st.sampled_from(inject_ids), max_size=1))
                    if b != iid
                ),
                contingency=mode == "contingency",
            )
        )
    a, b = cell_ids[0], cell_ids[1]
    rules = (
        NotifyRule(id="r1", objective=obj_ids[0], points=draw(st.integers(0, 20)), cell=a,
                   notify=(b,), within=draw(minutes), move=kind_ids[0]),
        AcknowledgeRule(id="r2", objective=obj_ids[0], points=5, cell=b, within=draw(minutes)),
        DeconflictRule(id="r3", objective=obj_ids[-1], points=5, cell=a, action=kind_ids[0],
                       consult=(b,), penalty=draw(st.integers(0, 5))),
        JointRule(id="r4", objective=obj_ids[0], points=5, action=kind_ids[-1], cells=(a, b),
                  quorum=draw(st.integers(1, 2)), within=draw(minutes)),
        RespondRule(id="r5", objective=obj_ids[0], points=2),
        NetworkRule(id="r6", objective=obj_ids[0], points=4, required=((a, b),)),
    )  # fmt: skip
    return Scenario(
        id="generated",
        title=draw(text.filter(bool)),
        start=datetime(2003, 8, 22, draw(st.integers(0, 23)), draw(st.integers(0, 59))),
        timezone=draw(st.sampled_from(["Asia/Bishkek", "Asia/Tashkent", "UTC"])),
        duration=duration,
        cells=cells,
        objectives=objectives,
        move_kinds=kinds,
        inject_files=("../injects/generated.yaml",),
        rule_files=("../rules/generated.yaml",),
        summary=draw(text),
        briefing=draw(text),
        clock_ratio=draw(st.sampled_from([1.0, 2.0, 0.5, 60.0])),
        modules=modules,
        msel=tuple(injects),
        ruleset=RuleSet(ratings=Ratings(P=0.95, S=0.75, M=0.5), rules=rules),
    )


@SETTINGS
@given(scenarios())
def test_generated_scenario_round_trips(tmp_path: Path, scn: Scenario) -> None:
    assume(all(m.start < scn.duration for m in scn.modules))
    files = scenario_text(scn, "../injects/generated.yaml", "../rules/generated.yaml")
    for folder, key in (("scenarios", "scenario"), ("injects", "injects"), ("rules", "rules")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "generated.yaml").write_text(files[key], encoding="utf-8")
    loaded = load_scenario(tmp_path / "scenarios" / "generated.yaml")
    assert loaded == scn
    assert attrs.evolve(loaded) == scn
