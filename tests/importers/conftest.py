"""Fixtures of the importer tests: the committed inputs, a messy XLSX built with openpyxl,
an OpenBAS export zip built as OpenBAS builds it, and a CLI runner."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import datetime, time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
START = "2003-08-22T06:00"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``exercise ARGS`` in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


#: The messy sheet: (row, values from column A); None leaves a cell empty.
MESSY_ROWS: list[tuple[int, list[object]]] = [
    (1, ["Exercise Steppe Shield 2003 — Master Scenario Events List"]),
    (2, ["Version 3 (draft), not for distribution"]),
    (
        4,
        [
            "Event #",
            "Day",
            "Time ",
            " Event Synopsis",
            "Inject",
            "From / Originator",
            "To / Recipient / Player",
            "Mode of Delivery",
            "Expected Player Action",
            "Objective/Core Capability",
            "Controller Notes",
            "Status",
        ],
    ),
    (5, ["DAY 1 – 22 August 2003"]),
    (
        6,
        [
            1,
            "Day 1",
            time(6, 30),
            "Armed group crosses near Zardaly   ",
            "Около 40 вооружённых людей перешли границу у Зардалы.",
            "Batken border post",
            "Kyrgyz MoD",
            "Radio",
            "Warn the Uzbek MoD",
            "OBJ-1",
            "Watch who warns whom\u00a0",
            "ready",
        ],
    ),
    (
        7,
        [
            "2",
            "Day 1",
            "0930",
            "Villagers flee toward Osh",
            "Жители сёл уходят в сторону Оша.",
            "Osh oblast akimat",
            None,  # merged with the cell above
            "Phone call",
            None,
            "OBJ-1; OBJ-2",
            None,
            "draft",
        ],
    ),
    (
        9,
        [
            3.0,
            None,
            "D+0 11:15",
            "Uzbek jets over Chon-Alai",
            "Low-flying jets reported by villagers.",
            "Chon-Alai village head",
            "Uzbek MoD; CENTCOM–Russian GS liaison cell",
            "E-mail",
            None,
            "OBJ-2",
            None,
            None,
        ],
    ),
    (10, ["DAY 2 – 23 August 2003"]),
    (
        11,
        [
            "4",
            None,
            "02:00",
            "Militants hold the Altyn-Jailoo mine",
            None,
            "SimCell",
            "Kyrgyz MoD",
            "Fax",
            None,
            None,
            None,
            None,
        ],
    ),
    (
        12,
        [
            5,
            "Day 2",
            datetime(2003, 8, 23, 9, 45),
            "Joint HQ proposed in Osh",
            "Kyrgyz, Tajik, Kazakh and Uzbek officials meet in Osh.",
            "Osh governor",
            "CENTCOM–Russian GS liaison cell",
            "Meeting",
            None,
            None,
            None,
            None,
        ],
    ),
    (
        13,
        [
            6,
            "Day 2",
            "T+30:00",
            "Japanese hostages sighted",
            None,
            "Intelligence",
            "Kyrgyz MoD",
            "Carrier pigeon",
            None,
            None,
            None,
            None,
        ],
    ),
    (
        14,
        [
            7,
            None,
            None,
            "Hostages moved toward Tajikistan",
            None,
            None,
            "CENTCOM–Russian GS liaison cell",
            "Runner",
            None,
            None,
            None,
            "contingency",
        ],
    ),
]


def build_messy_xlsx(path: Path) -> Path:
    """A workbook as people make them: a cover sheet, title rows above the header,
    merged banners, a recipient merged over two rows, blank rows, mixed time formats,
    numbers as text, trailing and non-breaking spaces, non-ASCII text."""
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Steppe Shield 2003"
    cover["A3"] = "See the MSEL sheet."
    ws = book.create_sheet("MSEL")
    for row, values in MESSY_ROWS:
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=row, column=col, value=value)
    ws.merge_cells("A1:L1")
    ws.merge_cells("A2:L2")
    ws.merge_cells("A5:L5")
    ws.merge_cells("A10:L10")
    ws.merge_cells("G6:G7")  # one recipient for events 1 and 2
    book.save(path)
    return path


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> Path:
    return build_messy_xlsx(tmp_path / "msel.xlsx")


def build_openbas_zip(path: Path) -> Path:
    """The zip OpenBAS writes: the scenario JSON with the entry comment 'Scenario' and
    each attached document with the comment 'Attachment'."""
    data = json.loads((FIXTURES / "openbas-scenario.json").read_text(encoding="utf-8"))
    name = data["scenario_information"]["scenario_name"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        entry = zipfile.ZipInfo(f"{name}.json")
        entry.comment = b"Scenario"
        z.writestr(entry, json.dumps(data, indent=2, ensure_ascii=False))
        doc = zipfile.ZipInfo("press-kit.pdf")
        doc.comment = b"Attachment"
        z.writestr(doc, b"%PDF-1.4 not really a pdf")
    return path


@pytest.fixture
def openbas_zip(tmp_path: Path) -> Path:
    return build_openbas_zip(tmp_path / "Ransomware_2024-03-01.zip")
