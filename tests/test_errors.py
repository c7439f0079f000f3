"""One error hierarchy: every problem a user can meet is one ``exercise: ...`` line, exit 1.

These inputs used to escape as "internal error" (an OverflowError, a bad port, a port in
use, an unreachable PostgreSQL server); each is now reported where it happens.
"""

from __future__ import annotations

import importlib
import pkgutil
import socket
from pathlib import Path

import pytest

import exercise
from exercise.cli.main import main
from exercise.errors import ExerciseError
from exercise.session import Session

from .conftest import FIXTURES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refusals exit 2 with a usage line
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    return code, err


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    Session.create(FIXTURES / "mini" / "scenarios" / "mini.yaml", str(path)).close()
    return path


def test_every_error_class_of_the_package_is_an_exercise_error() -> None:
    """No layer defines its own root exception: ``main`` catches them all at once."""
    found = []
    for info in pkgutil.walk_packages(exercise.__path__, "exercise."):
        if ".tui" in info.name:
            continue  # Textual only loads for the consoles
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Exception)
                and value.__module__ == info.name
                and value.__name__.endswith("Error")
            ):
                found.append(value)
    assert len(found) >= 8
    strays = [
        f"{k.__module__}.{k.__name__}"
        for k in found
        if not issubclass(k, ExerciseError) and not k.__name__.startswith(("Time", "Strict"))
    ]
    assert strays == []


def test_log_after_a_number_too_large(capsys: pytest.CaptureFixture[str], session: Path) -> None:
    code, err = run(capsys, "log", str(session), "--after", "9" * 26)
    assert code == 2
    assert "event numbers run from 0 to 9223372036854775807" in err


def test_log_after_a_number_that_is_not_one(
    capsys: pytest.CaptureFixture[str], session: Path
) -> None:
    code, err = run(capsys, "log", str(session), "--after", "ten")
    assert code == 2 and "expected an event number, got 'ten'" in err


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_serve_on_a_port_that_cannot_be(
    capsys: pytest.CaptureFixture[str], session: Path, port: str
) -> None:
    code, err = run(capsys, "serve", str(session), "--port", port)
    assert code == 2 and "--port" in err


def test_serve_on_a_port_in_use(capsys: pytest.CaptureFixture[str], session: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "serve", str(session), "--host", "127.0.0.1", "--port", str(port))
    assert code == 1
    assert err.startswith(f"exercise: cannot serve on 127.0.0.1:{port}: ")
    assert "choose another --port" in err


def test_serve_on_an_unreachable_postgresql_server(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, err = run(capsys, "serve", f"postgresql://nobody@127.0.0.1:{port}/none")
    assert code == 1 and err.startswith("exercise: ") and len(err.strip().splitlines()) == 1


def test_a_missing_session(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for command in ("log", "verify", "score", "report"):
        code, err = run(capsys, command, str(tmp_path / "none.db"))
        assert code == 1 and err.startswith("exercise: "), (command, err)


def test_scenario_problems_are_printed_where_they_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    code, err = run(capsys, "play", str(bad), "--script", str(bad), "--session", "x.db")
    assert code == 1 and "bad.yaml:2:1: YAML syntax error" in err, err
    assert not err.startswith("exercise:")
