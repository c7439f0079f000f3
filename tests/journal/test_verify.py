"""verify() recomputes the hash chain and names the first broken link (on every backend)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from exercise.journal import GENESIS_HASH, Journal, NewEvent, chain, verify

if TYPE_CHECKING:
    from .conftest import MakeEvents

Tamper = Callable[[str], None]


def test_a_clean_chain_verifies(journal: Journal, make_events: MakeEvents) -> None:
    journal.append(make_events(30))
    result = verify(journal)
    assert result.ok
    assert result.events == 30
    assert result.head_hash == journal.head()[1]
    assert result.broken_seq is None
    assert result.reason == "all 30 events chain correctly"


def test_an_empty_journal_verifies(journal: Journal) -> None:
    result = verify(journal)
    assert (result.ok, result.events, result.head_hash) == (True, 0, GENESIS_HASH)


def test_verify_reads_past_one_page(
    journal: Journal, make_events: MakeEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module, not the function of the same name that the package re-exports.
    monkeypatch.setattr(importlib.import_module("exercise.journal.verify"), "PAGE", 7)
    journal.append(make_events(25))
    assert verify(journal).events == 25


def test_an_edited_payload_is_named(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    appended = journal.append(make_events(30))
    tamper(
        """UPDATE events SET payload = '{"index":16,"text":"nothing happened"}' WHERE seq = 17"""
    )
    result = verify(journal)
    assert not result.ok
    assert result.broken_seq == 17
    assert (
        result.reason == "event 17: hash does not match its content (edited after it was written?)"
    )
    assert (result.events, result.head_hash) == (16, appended[15].hash)


def test_an_edited_column_is_named(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(30))
    tamper("UPDATE events SET game_ms = game_ms + 1 WHERE seq = 3")
    assert verify(journal).broken_seq == 3


def test_a_payload_that_is_no_longer_json_is_named(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(30))
    tamper("UPDATE events SET payload = '{\"index\": 16' WHERE seq = 17")
    result = verify(journal)
    assert (result.ok, result.broken_seq, result.events) == (False, 17, 16)
    assert "event 17" in result.reason
    assert "not valid JSON" in result.reason


def test_an_edit_before_an_undecodable_payload_is_named_first(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(30))
    tamper("UPDATE events SET payload = 'garbage' WHERE seq = 17")
    tamper("UPDATE events SET actor = 'red' WHERE seq = 5")
    assert verify(journal).broken_seq == 5


def test_an_edited_link_is_named(journal: Journal, make_events: MakeEvents, tamper: Tamper) -> None:
    journal.append(make_events(30))
    tamper(f"UPDATE events SET prev_hash = '{1:064d}' WHERE seq = 18")
    result = verify(journal)
    assert (result.broken_seq, result.events) == (18, 17)
    assert result.reason == "event 18: prev_hash does not match event 17's hash"


def test_a_forged_event_with_a_valid_hash_breaks_the_next_link(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    appended = journal.append(make_events(30))
    original = appended[16]
    forged = chain(
        17,
        NewEvent(original.type, original.actor, original.wall_us, original.game_ms, {"x": 1}),
        original.prev_hash,
    )
    tamper(f"""UPDATE events SET payload = '{{"x":1}}', hash = '{forged.hash}' WHERE seq = 17""")
    result = verify(journal)
    assert result.broken_seq == 18
    assert result.reason == "event 18: prev_hash does not match event 17's hash"
    assert result.events == 17


def test_a_deleted_event_is_named_as_a_gap(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(30))
    tamper("DELETE FROM events WHERE seq = 18")
    result = verify(journal)
    assert (result.ok, result.broken_seq, result.events) == (False, 18, 17)
    assert result.reason == (
        "event 18 is missing: the journal jumps from event 17 to event 19 "
        "(deleted after it was written?)"
    )


def test_a_deleted_first_event_is_named(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(3))
    tamper("DELETE FROM events WHERE seq = 1")
    assert verify(journal).broken_seq == 1


def test_reformatted_payload_json_is_still_the_same_content(
    journal: Journal, make_events: MakeEvents, tamper: Tamper
) -> None:
    journal.append(make_events(3))
    tamper(
        """UPDATE events SET payload = '{ "to": ["red", "white"], "text": "move 1", "index": 1 }'
        WHERE seq = 2"""
    )
    assert verify(journal).ok
