"""The shipped scenarios' traffic reads like exercise traffic: every inject that states a
clock time says which clock it is on, and the reports of units and agencies read as
SPOTREP, SITREP or INTREP."""

from __future__ import annotations

import re

import pytest

from exercise.model import Channel
from exercise.scenario import load_scenario

from ..conftest import ROOT

SHIPPED = ("insurgent-incursion", "georgia-crisis", "narcotics-seminar")
A_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
REPORT = re.compile(r"\*\*(FLASH\. )?(SPOTREP|SITREP|INTREP)\b")
#: injects that are reports of a unit or an agency in the field
REPORTS = {
    "insurgent-incursion": (
        "INC-001 INC-003 INC-006 INC-013 INC-018 INC-024 INC-032 INC-033 INC-040 INC-044 "
        "INC-047 INC-049"
    ),
    "georgia-crisis": (
        "GEO-002 GEO-003 GEO-011 GEO-016 GEO-020 GEO-022 GEO-023 GEO-024 GEO-103 GEO-104 "
        "GEO-204 GEO-205"
    ),
    "narcotics-seminar": "SEM-002 SEM-003",
}


@pytest.mark.parametrize("name", SHIPPED)
def test_every_time_stated_names_its_clock(name: str) -> None:
    scn = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    silent = [i.id for i in scn.msel if A_TIME.search(f"{i.title} {i.body}") and not i.clock]
    assert not silent, f"these injects state a time but not its clock: {silent}"


@pytest.mark.parametrize("name", SHIPPED)
def test_unit_reports_read_as_reports(name: str) -> None:
    scn = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    for ident in REPORTS[name].split():
        inject = scn.inject(ident)
        assert REPORT.search(inject.body), f"{ident} does not read as a report"
    # and every radio report from the field is among them
    radio = {i.id for i in scn.msel if i.channel is Channel.RADIO}
    assert radio <= set(REPORTS[name].split())
