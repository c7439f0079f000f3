"""OpenBAS/OpenAEV scenario exports: the JSON and the zip OpenBAS writes."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.importers import Context, ImportFailed, import_file
from exercise.model import Channel
from exercise.scenario import load_scenario
from exercise.scenario.dump import to_data

from ..conftest import FIXTURES as ROOT_FIXTURES
from .conftest import FIXTURES

START = "2024-03-01T08:00"


def test_export_json_round_trip(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "openbas-scenario.json", work / "export.json")
    assert main(["import", "export.json", "-o", "injects/ransom.yaml", "--start", START]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[-1] == (
        "ok scenarios/ransom.yaml: ransom: 3 cells, 6 injects, 2 objectives, 0 rules"
    )
    assert main(["validate", "scenarios/ransom.yaml"]) == 0
    scn = load_scenario(work / "scenarios" / "ransom.yaml")
    assert scn.title == "Ransomware at the Osh water utility"
    assert scn.summary == "Crisis communication and incident response"
    assert scn.briefing == "A ransomware gang encrypts the SCADA historian of the water utility."
    cert, comms = scn.cell("cert"), scn.cell("cellule-de-communication")
    assert cert.role == "Computer emergency response team"
    assert cert.members == ("Aida Toktogulova", "Bakyt Usenov")
    assert comms.members == ("Élise Moreau",)
    assert [(o.id, o.title, o.capability) for o in scn.objectives] == [
        ("OBJ-1", "Contain the ransomware within two hours", "Cyber incident response"),
        ("OBJ-2", "Inform the public before the media do", "Public information and warning"),
    ]
    assert [k.id for k in scn.move_kinds] == ["respond", "reply"]

    i = {x.id: x for x in scn.msel}
    # numbered by time: the export lists the journalist's call first
    assert [x.title for x in scn.msel][:3] == [
        "Ransom note on the historian",
        "SMS to all staff: do not switch off the pumps",
        "Journalist calls the press office",
    ]
    note = i["INJ-001"]
    assert (note.time, note.to, note.channel) == (timedelta(0), ("cert",), Channel.EMAIL)
    assert note.from_ == "exercise@utility.example"
    assert "**Subject:** URGENT: historian screens locked" in note.body
    assert "- Plant A\n- Plant B" in note.body  # the HTML list as text
    assert [(e.cell, e.action, e.within, e.description) for e in note.expects] == [
        ("cert", "respond", timedelta(hours=1), "Acknowledge the alert")
    ]
    sms = i["INJ-002"]
    assert sms.to == ("cert", "cellule-de-communication")  # inject_all_teams
    assert sms.time == timedelta(minutes=30) and sms.channel is Channel.MESSAGE
    call = i["INJ-003"]
    assert call.time is None and call.trigger is not None
    assert (call.trigger.after, call.trigger.delay) == ("INJ-001", timedelta(hours=1))
    assert [(e.action, e.within) for e in call.expects] == [("reply", timedelta(minutes=30))]
    technical = i["INJ-004"]
    assert technical.to == ("control",) and technical.time == timedelta(minutes=90)
    assert "Expectation: Expect inject to be detected" in technical.notes
    director = i["INJ-005"]
    assert director.trigger is not None
    assert (director.trigger.missed, director.trigger.delay) == ("INJ-001", timedelta(hours=2))
    held = i["INJ-006"]
    assert held.contingency and held.time is None
    assert "was scheduled at +02:30" in held.notes

    # everything that could not be mapped is listed, on stderr and in the file
    text = (work / "injects" / "ransom.yaml").read_text(encoding="utf-8")
    for part in (
        "scenario_articles: 1 media articles not imported",
        "scenario_lessons_questions: 1 lessons-learned questions not imported",
        "scenario_users: 1 player in no team not imported: observer@utility.example",
        "inject 'whoami on the historian': injector openbas_implant: what it executes is not "
        "imported",
        "inject 'whoami on the historian': no team: addressed to exercise control",
        "inject 'Fake press release (held back)': not imported: documents",
        "expectation scores of 3 injects not imported",
        "1 inject time not on a whole minute: rounded down",
    ):
        assert part in out.err
        assert part in text

    draft = import_file(work / "export.json", Context("export.json", start=scn.start))
    assert to_data(draft.injects) == to_data(list(scn.msel))


def test_export_zip(work: Path, openbas_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(openbas_zip), "-o", "ransom.yaml", "--start", START]) == 0
    out = capsys.readouterr()
    assert "documents: 1 attached file in the zip not imported: press-kit.pdf" in out.err
    # not in an injects/ folder: the stub goes beside the inject file
    assert out.out.splitlines()[-1].startswith("ok ransom.scenario.yaml: ransom: 3 cells")
    assert load_scenario(work / "ransom.scenario.yaml").inject_files == ("ransom.yaml",)


def test_export_with_a_scenario_and_team_mapping(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT_FIXTURES / "mini", work, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "openbas-scenario.json", work / "export.json")
    args = ["import", "export.json", "--scenario", "scenarios/mini.yaml", "-o", "injects/ob.yaml"]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "export.json: team 'CERT': matches no cell of the scenario (hint: cells: white, kgz-mod, "
        "uzb-mod, liaison; or map the team in a mapping file (cells:))",
        "export.json: team 'Cellule de communication': matches no cell of the scenario (hint: "
        "cells: white, kgz-mod, uzb-mod, liaison; or map the team in a mapping file (cells:))",
        "exercise import: 2 problems; nothing written",
    ]
    (work / "map.yaml").write_text(
        "cells:\n  CERT: kgz-mod\n  Cellule de communication: liaison\n", encoding="utf-8"
    )
    assert main([*args, "--map", "map.yaml"]) == 0
    out = capsys.readouterr()
    assert "scenario_objectives: not imported with --scenario" in out.err
    # the mini scenario has no 'respond' or 'reply' move kinds: kept in the notes
    assert "expectation 'Acknowledge the alert' matches no move kind of the scenario" in out.err
    scn_file = work / "scenarios" / "mini.yaml"
    scn_file.write_text(
        scn_file.read_text().replace(
            "[../injects/mini.yaml]", "[../injects/mini.yaml, ../injects/ob.yaml]"
        )
    )
    scn = load_scenario(scn_file)
    imported = [i for i in scn.msel if i.id not in ("INJ-001", "INJ-002", "INJ-003", "INJ-004")]
    # numbering skips the ids the scenario's own MSEL uses
    assert [i.id for i in imported] == [f"INJ-{n:03d}" for n in range(5, 11)]
    by_title = {i.title: i for i in imported}
    note = by_title["Ransom note on the historian"]
    assert note.to == ("kgz-mod",) and not note.expects
    assert "Expectation: Acknowledge the alert" in note.notes
    director = by_title["No acknowledgement: the director phones the CERT"]
    # the parent carries no expected action here, so 'missed' became 'after'
    assert director.trigger is not None and director.trigger.after == note.id
    assert by_title["whoami on the historian"].to == ("white",)


def test_not_an_export(work: Path) -> None:
    (work / "x.json").write_text(json.dumps({"name": "hello"}))
    (work / "bad.json").write_text('{"scenario_injects": [')
    (work / "empty.zip").write_bytes(b"")
    with zipfile.ZipFile(work / "two.zip", "w") as z:
        z.writestr("a.json", "{}")
        z.writestr("b.json", "{}")
    msgs = {}
    for name in ("x.json", "bad.json", "two.zip"):
        with pytest.raises(ImportFailed) as exc:
            import_file(work / name, Context(name))
        msgs[name] = str(exc.value)
    assert msgs["x.json"].startswith("x.json: an object of no kind this tool reads (hint: ")
    assert msgs["bad.json"].startswith("bad.json: not valid JSON: line 1, column 23")
    assert msgs["two.zip"] == (
        "two.zip: not an OpenBAS export: expected one scenario JSON in the zip "
        "(found: a.json, b.json)"
    )


def test_odd_values_in_an_export_are_reported_not_fatal(work: Path) -> None:
    doc = json.loads((FIXTURES / "openbas-scenario.json").read_text(encoding="utf-8"))
    doc["scenario_injects"][0]["inject_depends_on"] = "no-such-inject"  # an older format
    doc["scenario_injects"][1]["inject_teams"] = ["gone-team", {"team_id": 5}]
    doc["scenario_injects"][2]["inject_content"] = None
    doc["scenario_teams"].append("not a team")
    (work / "odd.json").write_text(json.dumps(doc))
    draft = import_file(work / "odd.json", Context("odd.json"))
    notices = [str(n) for n in draft.notices]
    assert (
        "inject 'Journalist calls the press office': depends on inject 'no-such-inject', which "
        "is not in the export; kept at its time"
    ) in notices
    assert any("team 'gone-team' is not in the export" in n for n in notices)

    doc["scenario_injects"][3]["inject_depends_duration"] = "soon"
    (work / "odd.json").write_text(json.dumps(doc))
    with pytest.raises(ImportFailed) as exc:
        import_file(work / "odd.json", Context("odd.json"))
    assert str(exc.value) == (
        "odd.json: inject 'No acknowledgement: the director phones the CERT': "
        "inject_depends_duration 'soon' is not a number of seconds from the start"
    )
