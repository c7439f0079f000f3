"""Property tests for the other tools' formats: no input crashes a reader; each imports
or raises ImportFailed (TimeError for a time cell)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.importers import Context, ImportFailed
from exercise.importers.mapper import mapper_mapping
from exercise.importers.pipeline import import_json
from exercise.importers.times import TimeError, read_time

START = datetime(2024, 4, 2, 8, 0)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["Monday 9:30 AM", "Tue 25:00", "J-1", "J+1 09h00", "D+2 H+3 M+45", "07:29 PM"]
    ),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
T3SF_KEYS = ["#", "Real Time", "Date", "Subject", "From", "Player", "Script", "Poll", "Photo"]


def _import(doc: Any) -> None:
    with contextlib.suppress(ImportFailed):
        draft = import_json(doc, Context("x.json", start=START))
        assert draft.injects is not None


@SETTINGS
@given(
    st.lists(
        st.dictionaries(st.sampled_from(T3SF_KEYS) | st.text(max_size=8), values, max_size=9),
        max_size=6,
    )
)
def test_any_t3sf_list(items: list[dict[str, Any]]) -> None:
    _import(items)


@SETTINGS
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.sampled_from(["a", "b", "c", ""]) | values,
                "title": values,
                "content": values,
                "target_teams": st.lists(st.sampled_from(["t1", "t2", "zz"])) | values,
                "sequence_order": values,
                "options": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "label": values,
                            "next_inject_id": st.sampled_from(["a", "b", "q"]) | values,
                        },
                    ),
                    max_size=3,
                )
                | values,
                "next_inject_id": st.sampled_from(["a", "b", "c"]) | values,
                "expected_actions": st.lists(values, max_size=3) | values,
                "triggers_communications": st.lists(
                    st.dictionaries(
                        st.sampled_from(
                            [
                                "subject",
                                "body",
                                "external_entity",
                                "delay_after_release_seconds",
                                "direction",
                            ]
                        ),
                        values,
                    ),
                    max_size=2,
                )
                | values,
            },
        ),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {}, optional={"id": st.sampled_from(["t1", "t2"]) | values, "label": values}
        ),
        max_size=3,
    ),
    values,
)
def test_any_iceberg_scenario(injects: list[Any], teams: list[Any], start: Any) -> None:
    _import(
        {
            "injects": injects,
            "participant_teams": teams,
            "start_inject_id": start,
            "metadata": {"estimated_duration_minutes": start},
        }
    )


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            ["inject_information", "inject_teams", "exercise_teams", "exercise_injects"]
        ),
        st.lists(
            st.dictionaries(
                st.sampled_from(
                    [
                        "inject_title",
                        "inject_teams",
                        "inject_expectations",
                        "team_id",
                        "team_name",
                        "inject_description",
                    ]
                ),
                values,
                max_size=4,
            ),
            max_size=3,
        )
        | values,
        min_size=1,
    )
)
def test_any_openaev_export(doc: dict[str, Any]) -> None:
    _import(doc)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"import_mapper_inject_type_column": st.sampled_from(["A", "AB", "a", "1", ""]) | values},
        optional={
            "import_mapper_name": values,
            "import_mapper_inject_importers": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "inject_importer_type_value": st.sampled_from(["^Mail$", "(", ""]) | values,
                        "inject_importer_rule_attributes": st.lists(
                            st.fixed_dictionaries(
                                {},
                                optional={
                                    "rule_attribute_name": st.sampled_from(
                                        ["title", "teams", "trigger_time", "zz"]
                                    )
                                    | values,
                                    "rule_attribute_columns": st.sampled_from(
                                        ["B", "C+D", "b", "B+", "ZZZ"]
                                    )
                                    | values,
                                    "rule_attribute_default_value": values,
                                    "rule_attribute_additional_config": st.dictionaries(
                                        st.text(max_size=5), values, max_size=2
                                    )
                                    | values,
                                },
                            ),
                            max_size=4,
                        )
                        | values,
                    },
                ),
                max_size=3,
            )
            | values,
        },
    )
)
def test_any_mapper(mapper: dict[str, Any]) -> None:
    with contextlib.suppress(ImportFailed):
        mapper_mapping(mapper, "m.json")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="JDHTMjdhtm+-0123456789 :h", max_size=16) | st.text(max_size=16))
def test_any_time_text(text: str) -> None:
    with contextlib.suppress(TimeError):
        read_time(text)
