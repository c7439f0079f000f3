"""A session written by the release before typed events opens, verifies, logs, scores and
reports exactly as that release did (tests/fixtures/session-v1/README.md)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.engine import fold
from exercise.model import events as ev
from exercise.session import Session

from .conftest import FIXTURES

V1 = FIXTURES / "session-v1"

#: Event types added since that release (the fixture cannot hold them).
NEWER_TYPES = {
    "journal.sealed", "module.opened", "module.noted", "question.answered", "intent.stated",
    "consultation.sent", "consultation.answered", "consent.given", "consent.refused",
    "evaluator.added", "evaluator.assigned", "evaluator.joined", "task.rated", "command.refused",
    "console.left",
}  # fmt: skip
_DTG = r"\d{6}[A-Z] [A-Z]{3} \d{2}"


def _without_later_additions(name: str, text: str) -> str:
    """The report as that release wrote it: what later releases added, taken out (the
    exercise marking at the top and bottom, date-time groups beside D+N, the discussion
    appendix; in JSON the ``marking`` and ``discussion`` keys). Everything else must match
    to the byte."""
    if name == "report.json":
        data = json.loads(text)
        for key in ("marking", "discussion"):
            data.pop(key, None)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if name != "report.md":
        return text
    marking = "**EXERCISE EXERCISE EXERCISE**"
    text = text.removeprefix(f"{marking}\n\n")
    text = re.sub(r"\n\n## Appendix D: Discussion by module\n.*\Z", "\n", text, flags=re.S)
    text = text.replace(f"\n{marking}\n", "")
    text = re.sub(r"9\. \[Appendix D: Discussion by module\]\([^)]*\)\n", "", text)
    text = re.sub(rf", {_DTG} \(", " (", text)
    return re.sub(rf" \({_DTG}\)", "", text)


@pytest.fixture
def session_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    shutil.copy(V1 / "v1.db", tmp_path / "v1.db")
    monkeypatch.chdir(tmp_path)
    return "v1.db"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["verify"], "verify.txt"),
        (["log"], "log.txt"),
        (["log", "--json"], "log.jsonl"),
        (["score", "--awards"], "score.txt"),
        (["report", "--format", "json"], "report.json"),
        (["report", "--format", "md"], "report.md"),
        (["report", "--format", "csv"], "report.csv"),
    ],
)
def test_output_is_what_the_old_release_printed(
    session_file: str, args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, session_file]) == 0
    out = capsys.readouterr().out
    old = (V1 / expected).read_bytes().decode("utf-8")
    # what later releases added in place (marking, date-time groups, the discussion
    # appendix) comes out first
    old, out = _without_later_additions(expected, old), _without_later_additions(expected, out)
    if expected in ADDED:
        # later releases print more (the rules version, the evaluators' observations and
        # where they contradict the points): all the old output is still there, unchanged
        keeps_and_adds(old, out, expected)
    else:
        assert out == old


#: What releases after the one that wrote the fixture add to its outputs, by file.
ADDED = {
    "score.txt": ("Rules semantics: version ", "observations: ", "CONFLICT: "),
    "report.md": (
        "Ratings the evaluators' observations contradict",
        "- OBJ-1: the points rate ",
        "- Conflict for the lead evaluator: ",
    ),
    "report.json": ("strengths", "improvements", "conflict", "rules"),
}


def keeps_and_adds(old: str, new: str, name: str) -> None:
    if name.endswith(".json"):
        was, now = json.loads(old), json.loads(new)
        added = set(now) - set(was)
        assert added <= set(ADDED[name])
        for key, value in was.items():
            if key == "objectives":
                for o_old, o_new in zip(value, now[key], strict=True):
                    assert {k: o_new[k] for k in o_old} == o_old
                    assert set(o_new) - set(o_old) <= set(ADDED[name])
            else:
                assert now[key] == value, key
        return
    lines = iter(new.splitlines())
    for line in old.splitlines():  # the old lines, in order ...
        for candidate in lines:
            if candidate == line:
                break
            # ... with nothing between them but the additions
            assert not candidate.strip() or candidate.strip().startswith(ADDED[name]), candidate
        else:
            raise AssertionError(f"missing: {line}")


def test_every_event_is_typed_and_folds_like_the_live_state(session_file: str) -> None:
    with Session.open(session_file) as session:
        events = session.journal.read()
        # The fixture has every type there was then (seals, seminars, coordination and
        # evaluators came later).
        assert {e.type for e in events} == set(ev.EVENT_TYPES) - NEWER_TYPES
        assert not [e for e in events if isinstance(e.data, ev.Damaged | ev.Unknown)]
        assert fold(session.scenario, events) == session.state
        state = session.state
        assert state.moves[17].status == "rejected" and state.moves[17].resolution is not None
        assert [a.stance for a in state.moves[17].arguments] == ["against", "for"]
        assert state.improvements["IP-01"].issue == "Liaison relays slowly (revised)"
        assert state.improvements["IP-02"].removed
