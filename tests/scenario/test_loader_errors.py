"""Every problem the loader must catch, each at its exact line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.scenario import MAX_FILE_BYTES, ScenarioError, load_scenario, summary

SCN = "scenarios/mini.yaml"
INJ = "injects/mini.yaml"
RUL = "rules/mini.yaml"


def problems(path: str = SCN) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def only(path: str = SCN) -> str:
    found = problems(path)
    assert len(found) == 1, found
    return found[0]


def test_mini_is_valid(mini: Path) -> None:
    scn = load_scenario(SCN)
    assert summary(scn).startswith("mini: 4 cells, 4 injects, 1 objectives, 6 rules")
    assert [i.id for i in scn.msel] == ["INJ-001", "INJ-002", "INJ-003", "INJ-004"]
    # D+1 06:00 from a 06:00 start is 24 hours in.
    assert scn.msel[1].time is not None and scn.msel[1].time.total_seconds() == 24 * 3600


def test_yaml_syntax_error(mini: Path, edit) -> None:
    edit(SCN, "title: Mini border exercise", "title: [Mini border exercise")
    msg = only()
    assert msg.startswith(f"{SCN}:4:1: YAML syntax error") or msg.startswith(f"{SCN}:4:")
    assert "hint:" in msg


def test_tab_in_indentation(mini: Path, edit) -> None:
    edit(SCN, "    role: Runs the clock", "\trole: Runs the clock")
    assert only() == (f"{SCN}:23:1: tab character in indentation (hint: YAML indents with spaces)")


def test_duplicate_key(mini: Path, edit) -> None:
    edit(SCN, "clock_ratio: 4\n", "clock_ratio: 4\nclock_ratio: 8\n")
    assert only() == (
        f"{SCN}:11:1: duplicate key 'clock_ratio' (first at line 10) "
        "(hint: remove or rename one of them)"
    )


def test_unknown_key_did_you_mean(mini: Path, edit) -> None:
    edit(INJ, "    channel: radio", "    chanel: radio")
    assert only() == f"{INJ}:7:5: unknown key 'chanel' (hint: did you mean 'channel'?)"


def test_unknown_key_in_nested_item(mini: Path, edit) -> None:
    edit(INJ, '        within: "01:00"', '        within: "01:00"\n        adressees: []')
    assert only() == (
        f"{INJ}:15:9: unknown key 'adressees' "
        "(hint: allowed keys: action, cell, description, to, within)"
    )


def test_string_false_is_not_a_boolean(mini: Path, edit) -> None:
    edit(INJ, "    contingency: true", '    contingency: "false"')
    assert only() == (
        f"{INJ}:35:18: expected true or false, got the text 'false' "
        "(hint: write true or false unquoted)"
    )


def test_float_is_not_an_int(mini: Path, edit) -> None:
    edit(RUL, "    points: 10\n    inject", "    points: 5.7\n    inject")
    assert only() == f"{RUL}:6:13: expected a whole number, got the number 5.7"


def test_number_where_text_expected(mini: Path, edit) -> None:
    edit(SCN, "title: Mini border exercise", "title: 1999")
    assert only() == f"{SCN}:3:8: expected text, got the number 1999 (hint: quote it)"


def test_missing_required_field(mini: Path, edit) -> None:
    edit(SCN, "    name: Uzbek Ministry of Defence\n", "")
    assert only() == f"{SCN}:28:5: missing required key 'name' (hint: add it)"


def test_duplicate_cell_id(mini: Path, edit) -> None:
    edit(SCN, "  - id: uzb-mod", "  - id: kgz-mod")
    found = problems()
    assert (
        f"{SCN}:28:9: duplicate cell id 'kgz-mod' (first at line 24) "
        "(hint: give every cell its own id)"
    ) in found


def test_duplicate_inject_id(mini: Path, edit) -> None:
    edit(INJ, "  - id: INJ-002", "  - id: INJ-001")
    assert only() == (
        f"{INJ}:21:9: duplicate inject id 'INJ-001' (first at {INJ}:2) "
        "(hint: give every inject its own id)"
    )


def test_unknown_cell_reference(mini: Path, edit) -> None:
    edit(INJ, "    to: [kgz-mod]\n    channel: radio", "    to: [kgz-mdo]\n    channel: radio")
    assert only() == f"{INJ}:6:10: unknown cell 'kgz-mdo' (hint: did you mean 'kgz-mod'?)"


def test_unknown_inject_reference(mini: Path, edit) -> None:
    edit(INJ, "      - inject: INJ-003", "      - inject: INJ-033")
    assert only() == f"{INJ}:19:17: unknown inject 'INJ-033' (hint: did you mean 'INJ-003'?)"


def test_unknown_objective_reference(mini: Path, edit) -> None:
    edit(
        RUL,
        "  - id: ack-injects\n    kind: acknowledge\n    objective: OBJ-1",
        "  - id: ack-injects\n    kind: acknowledge\n    objective: OBJ-9",
    )
    assert only() == f"{RUL}:13:16: unknown objective 'OBJ-9' (hint: did you mean 'OBJ-1'?)"


def test_unknown_rule_kind(mini: Path, edit) -> None:
    edit(RUL, "kind: joint", "kind: jiont")
    assert only() == f"{RUL}:26:11: unknown rule kind 'jiont' (hint: did you mean 'joint'?)"


def test_unknown_move_kind(mini: Path, edit) -> None:
    edit(INJ, "        action: warn", "        action: wrn")
    assert only() == f"{INJ}:12:17: unknown move kind 'wrn' (hint: did you mean 'warn'?)"


def test_trigger_cycle(mini: Path, edit) -> None:
    edit(
        INJ,
        "    trigger:\n      move: strike\n      cell: uzb-mod",
        "    trigger:\n      after: INJ-002",
    )
    edit(INJ, '    time: "D+1 06:00"', "    trigger: {after: INJ-003}")
    found = problems()
    assert found == [
        f"{INJ}:22:14: trigger cycle: INJ-002 -> INJ-003 -> INJ-002 can never fire "
        "(hint: break the loop with a timed inject)",
        f"{INJ}:28:7: trigger cycle: INJ-003 -> INJ-002 -> INJ-003 can never fire "
        "(hint: break the loop with a timed inject)",
    ]


def test_inject_time_after_the_end(mini: Path, edit) -> None:
    edit(INJ, 'time: "D+1 06:00"', 'time: "D+2 07:00"')
    assert only() == (
        f"{INJ}:22:11: inject time is outside the exercise (after the end) "
        "(hint: the exercise runs from 2003-08-22 06:00 for 48:00)"
    )


def test_inject_time_before_the_start(mini: Path, edit) -> None:
    edit(INJ, 'time: "D+1 06:00"', 'time: "D+0 05:00"')
    assert "outside the exercise (before the start)" in only()


def test_bad_time_notation(mini: Path, edit) -> None:
    edit(INJ, 'time: "+00:30"', 'time: "00:30"')
    assert only().startswith(f"{INJ}:3:11: '00:30' is not an inject time")


def test_non_utf8(mini: Path) -> None:
    path = Path(INJ)
    data = path.read_bytes().replace(b"Zardaly", b"Zarda\xffly")
    path.write_bytes(data)
    assert only() == (
        f"{INJ}:8:42: not UTF-8: byte 0xff cannot be decoded (hint: save the file as UTF-8)"
    )


def test_empty_file(mini: Path) -> None:
    Path(RUL).write_text("# nothing yet\n\n", encoding="utf-8")
    assert only() == (
        f"{RUL}:1:1: file is empty (hint: a scenario file is a YAML mapping of keys to values)"
    )


def test_top_level_not_a_mapping(mini: Path) -> None:
    Path(INJ).write_text("- id: INJ-001\n", encoding="utf-8")
    found = problems()
    assert (
        f"{INJ}:1:1: the top level must be a mapping of keys to values (hint: see docs/format.md)"
        in found
    )


def test_unsafe_tag(mini: Path, edit) -> None:
    edit(SCN, "title: Mini border exercise", "title: !!python/object/apply:os.system [echo pwned]")
    assert only() == (
        f"{SCN}:3:8: unsupported tag tag:yaml.org,2002:python/object/apply:os.system "
        "(hint: remove the tag)"
    )


def test_alias_bomb(mini: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in "bcdefghi":
        prev = chr(ord(n) - 1)
        lines.append(f"{n}: &{n} [" + ",".join([f"*{prev}"] * 9) + "]")
    Path(RUL).write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = only()
    assert "expands to more than" in msg and msg.startswith(f"{RUL}:")


def test_recursive_alias(mini: Path) -> None:
    Path(RUL).write_text("rules: &r [*r]\n", encoding="utf-8")
    found = problems()
    assert any("recursive" in p or "YAML" in p for p in found), found


def test_file_over_the_size_limit(mini: Path) -> None:
    with open(INJ, "a", encoding="utf-8") as fh:
        fh.write("#" * (MAX_FILE_BYTES + 10))
    assert only().startswith(f"{INJ}:1:1: file is ")
    assert "limit" in only()


def test_missing_inject_file(mini: Path, edit) -> None:
    edit(SCN, "injects: [../injects/mini.yaml]", "injects: [../injects/maxi.yaml]")
    found = problems()
    assert (
        f"{SCN}:44:11: inject file '../injects/maxi.yaml' not found "
        "(hint: paths are relative to the scenario file)"
    ) in found


def test_path_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert "no such file" in str(info.value)


def test_every_problem_at_once(mini: Path, edit) -> None:
    edit(SCN, "    side: green\n    members", "    side: greem\n    members")
    edit(INJ, "        action: warn", "        action: wrn")
    edit(RUL, "kind: joint", "kind: jiont")
    found = problems()
    assert len(found) == 3
    assert {p.split(":")[0] for p in found} == {SCN, INJ, RUL}


def test_notify_rule_needs_inject_addressed_to_cell(mini: Path, edit) -> None:
    edit(RUL, "    inject: INJ-001\n    cell: kgz-mod", "    inject: INJ-002\n    cell: kgz-mod")
    assert only() == (
        f"{RUL}:7:13: inject 'INJ-002' is not addressed to 'kgz-mod' "
        "(hint: the cell that must notify has to receive the inject)"
    )


def test_quorum_larger_than_cells(mini: Path, edit) -> None:
    edit(RUL, "quorum: 2", "quorum: 3")
    assert only() == f"{RUL}:31:13: quorum must be between 1 and 2 (the cells listed)"


def test_a_string_is_not_a_list(mini: Path, edit) -> None:
    edit(INJ, "    to: [kgz-mod]\n    channel: radio", "    to: kgz-mod\n    channel: radio")
    assert only() == (
        f"{INJ}:6:9: expected a list of texts, got the text 'kgz-mod' "
        "(hint: write a YAML list: [a, b] or one '- item' per line)"
    )


def test_inject_without_time_trigger_or_contingency(mini: Path, edit) -> None:
    edit(INJ, "    contingency: true\n", "")
    assert only() == (
        f"{INJ}:34:5: inject 'INJ-004' has no time, no trigger and is not a contingency "
        '(hint: add time: "+HH:MM", a trigger, or contingency: true)'
    )


def test_expected_action_by_a_cell_that_does_not_receive_the_inject(mini: Path, edit) -> None:
    edit(
        INJ,
        "      - cell: kgz-mod\n        action: warn",
        "      - cell: uzb-mod\n        action: warn",
    )
    assert only() == (
        f"{INJ}:11:15: 'uzb-mod' is expected to act on 'INJ-001' but does not receive it "
        "(hint: add the cell to the inject's 'to' list)"
    )


def test_missed_trigger_names_a_cell_with_no_expectation(mini: Path, edit) -> None:
    edit(
        INJ, "      move: strike\n      cell: uzb-mod", "      missed: INJ-001\n      cell: uzb-mod"
    )
    assert only() == (
        f"{INJ}:29:13: inject 'INJ-001' expects nothing of 'uzb-mod' "
        "(hint: name a cell listed in that inject's 'expects')"
    )


def test_module_start_in_day_notation_uses_the_scenario_start(mini: Path, edit) -> None:
    edit(SCN, 'start: "+00:00"', 'start: "D+0 09:00"')
    assert load_scenario(SCN).modules[0].start.total_seconds() == 3 * 3600


def test_day_notation_resolved_against_start_even_when_scenario_has_errors(
    mini: Path, edit
) -> None:
    edit(SCN, "    side: blue", "    side: blu")
    edit(INJ, 'time: "D+1 06:00"', 'time: "D+1 05:30"')
    assert only() == f"{SCN}:33:11: the text 'blu' is not a valid side (hint: did you mean 'blue'?)"


def test_octal_looking_number_is_refused(mini: Path, edit) -> None:
    edit(RUL, "    points: 10\n    inject", "    points: 010\n    inject")
    assert only() == f"{RUL}:6:13: expected a whole number, got the text '010'"


def test_zero_delay_is_allowed(mini: Path, edit) -> None:
    edit(INJ, 'delay: "00:20"', 'delay: "00:00"')
    trigger = load_scenario(SCN).msel[2].trigger
    assert trigger is not None and trigger.delay.total_seconds() == 0


def test_repeated_cell_in_notify_list(mini: Path, edit) -> None:
    edit(RUL, "notify: [uzb-mod, liaison]", "notify: [uzb-mod, uzb-mod]")
    assert only() == f"{RUL}:9:23: cell 'uzb-mod' listed twice"


def test_duplicate_rule_id(mini: Path, edit) -> None:
    edit(RUL, "  - id: ack-injects", "  - id: warn-neighbours")
    assert only() == (
        f"{RUL}:11:9: duplicate rule id 'warn-neighbours' (first at {RUL}:3) "
        "(hint: give every rule its own id)"
    )
