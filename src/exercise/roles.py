"""Cells as PostgreSQL principals: the server, not the client, decides who may write what.

``exercise grant URL --cell ID --role ROLE`` (run by exercise control, the owner of the
session's schema) makes ROLE the principal of cell ID in that session:

- ROLE may not insert into ``events`` directly: it appends only through
  ``SCHEMA.append_cell(expect, rows)``, a SECURITY DEFINER function that checks every event
  against the role's cell (the actor is the cell, any ``cell`` in the payload is the cell,
  the type is one a player may record) and that the events extend the chain at its head;
- row-level security on ``events`` lets ROLE read only the events its cell may see (its
  own, those addressed to it, the clock, what control made public, adjudications of moves
  it sent or received): the engine folds the cell's state from those;
- ROLE cannot read ``meta`` (join-code hashes, control's key, the scenario with its
  facilitator notes, expectations and scoring rules): ``SCHEMA.player_meta()`` gives it the
  metadata a console needs, with a player's copy of the scenario (no notes, no
  expectations, no rules);
- ``exercise grant URL --evaluator --role ROLE`` lets an evaluator's role read everything
  (and write nothing); exercise control, the schema's owner, reads and writes everything.

``exercise revoke URL --role ROLE`` takes it all back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from psycopg import sql

from exercise.journal.base import GENESIS_HASH, JournalError
from exercise.journal.postgres import Target, _connect, _translated, parse_url

#: Event types a player cell may record (everything else is control's).
PLAYER_TYPES = (
    "move.submitted",
    "move.argued",
    "message.sent",
    "rfi.asked",
    "item.read",
    "item.acknowledged",
    "question.answered",
    "intent.stated",
    "consultation.sent",
    "consultation.answered",
    "consent.given",
    "consent.refused",
    "console.joined",
    "console.refused",
    "console.left",
)
#: Event types every cell sees: the clock and the end of the exercise.
CLOCK_TYPES = (
    "clock.started",
    "clock.paused",
    "clock.resumed",
    "clock.ratio_set",
    "clock.jumped",
    "exercise.ended",
)
#: The ``principals`` value of an evaluator's role: reads all, writes nothing.
EVALUATOR = "*"


_VISIBLE = "visible(bigint, text, text, text)"


def _list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _statements(target: Target) -> list[sql.Composed]:
    """What makes a session's schema enforce cells as principals (idempotent)."""
    s = sql.Identifier(target.schema)
    channel = sql.Literal(target.channel)
    lock = sql.Literal(target.lock_key)
    genesis = sql.Literal(GENESIS_HASH)
    player = sql.SQL(_list(PLAYER_TYPES))
    clock = sql.SQL(_list(CLOCK_TYPES))
    evaluator = sql.Literal(EVALUATOR)

    def q(text: str) -> sql.Composed:
        return sql.SQL(text).format(
            s=s, channel=channel, lock=lock, genesis=genesis, player=player, clock=clock,
            evaluator=evaluator,
        )  # fmt: skip

    definer = "SECURITY DEFINER SET search_path = pg_catalog, pg_temp"
    return [
        q("CREATE TABLE IF NOT EXISTS {s}.principals (role name PRIMARY KEY, cell text NOT NULL)"),
        q("CREATE TABLE IF NOT EXISTS {s}.player_scenario (bundle text NOT NULL)"),
        q(
            "CREATE OR REPLACE FUNCTION {s}.cell_of() RETURNS text LANGUAGE sql STABLE "
            + definer
            + " AS $$ SELECT cell FROM {s}.principals WHERE role = session_user $$"
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.visible_to(me text, e_seq bigint, e_type text,"
            " e_actor text, e_payload text) RETURNS boolean LANGUAGE plpgsql STABLE "
            + definer
            + """ AS $$
DECLARE
  p jsonb;
  m {s}.events;
BEGIN
  IF me IS NULL THEN RETURN false; END IF;
  IF me = {evaluator} OR e_actor = me OR e_type IN ({clock}) THEN RETURN true; END IF;
  p := e_payload::jsonb;
  IF jsonb_typeof(p) <> 'object' THEN RETURN false; END IF;
  IF p ->> 'cell' = me THEN RETURN true; END IF;
  IF e_type IN ('inject.released', 'inject.added', 'message.sent', 'move.submitted',
                'consultation.sent', 'consultation.answered', 'consent.given',
                'consent.refused')
     AND jsonb_typeof(p -> 'to') = 'array' AND (p -> 'to') ? me THEN RETURN true; END IF;
  IF e_type = 'intent.stated' THEN  -- the cells it concerns, and those consulted on it
    IF jsonb_typeof(p -> 'concerns') = 'array' AND (p -> 'concerns') ? me THEN
      RETURN true;
    END IF;
    RETURN EXISTS (SELECT 1 FROM {s}.events x
      WHERE x.type IN ('consultation.sent', 'consent.given', 'consent.refused')
      AND x.payload::jsonb ->> 'intent' = e_seq::text
      AND jsonb_typeof(x.payload::jsonb -> 'to') = 'array' AND (x.payload::jsonb -> 'to') ? me);
  END IF;
  IF e_type = 'rfi.answered' AND p -> 'public' = 'true'::jsonb THEN RETURN true; END IF;
  IF e_type = 'inject.released' AND p -> 'content' -> 'public' = 'true'::jsonb THEN
    RETURN true;  -- a public inject: every cell sees it once released
  END IF;
  IF e_type IN ('item.published', 'module.opened') THEN RETURN true; END IF;
  IF e_type IN ('message.sent', 'move.submitted') THEN
    RETURN EXISTS (SELECT 1 FROM {s}.events x WHERE x.type = 'item.published'
      AND x.payload::jsonb ->> 'item' IN ('message:' || e_seq, 'move:' || e_seq));
  END IF;
  IF e_type = 'rfi.asked' THEN  -- answered in public: its answer needs it
    RETURN EXISTS (SELECT 1 FROM {s}.events x WHERE x.type = 'rfi.answered'
      AND x.payload::jsonb ->> 'rfi' = e_seq::text AND x.payload::jsonb -> 'public' = 'true');
  END IF;
  IF e_type = 'inject.released' THEN
    RETURN EXISTS (SELECT 1 FROM {s}.events x WHERE x.type = 'item.published'
      AND x.payload::jsonb ->> 'item' = 'inject:' || (p ->> 'inject'));
  END IF;
  IF e_type IN ('move.adjudicated', 'move.argued') AND p ->> 'move' ~ '^[0-9]{{1,18}}$' THEN
    SELECT * INTO m FROM {s}.events x WHERE x.seq = (p ->> 'move')::bigint;
    IF NOT FOUND THEN RETURN false; END IF;
    RETURN {s}.visible_to(me, m.seq, m.type, m.actor, m.payload);
  END IF;
  RETURN false;
EXCEPTION WHEN others THEN
  RETURN false;
END $$"""
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.visible(e_seq bigint, e_type text, e_actor text,"
            " e_payload text) RETURNS boolean LANGUAGE sql STABLE "
            + definer
            + " AS $$ SELECT {s}.visible_to({s}.cell_of(), e_seq, e_type, e_actor, e_payload) $$"
        ),
        q("ALTER TABLE {s}.events ENABLE ROW LEVEL SECURITY"),
        q("DROP POLICY IF EXISTS cells_read ON {s}.events"),
        q(
            "CREATE POLICY cells_read ON {s}.events FOR SELECT"
            " USING ({s}.visible(seq, type, actor, payload))"
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.head() RETURNS TABLE (seq bigint, hash text)"
            " LANGUAGE sql STABLE "
            + definer
            + " AS $$ SELECT e.seq, e.hash FROM {s}.events e UNION ALL"
            " SELECT 0, coalesce((SELECT value FROM {s}.meta WHERE key = 'genesis'), {genesis})"
            " ORDER BY 1 DESC LIMIT 1 $$"
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.player_meta() RETURNS TABLE (key text, value text)"
            " LANGUAGE sql STABLE "
            + definer
            + " AS $$ SELECT m.key, CASE WHEN m.key = 'scenario_bundle'"
            " THEN coalesce((SELECT bundle FROM {s}.player_scenario LIMIT 1), '') ELSE m.value END"
            " FROM {s}.meta m WHERE {s}.cell_of() IS NOT NULL"
            " AND m.key NOT IN ('join_codes', 'scenario_digest')"
            " UNION ALL SELECT 'principal', {s}.cell_of() WHERE {s}.cell_of() IS NOT NULL $$"
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.canonical(j jsonb) RETURNS text LANGUAGE plpgsql"
            " IMMUTABLE SET search_path = pg_catalog, pg_temp"
            + """ AS $$
BEGIN  -- exercise.journal.base.canonical_json: sorted keys (code points), compact, integers
  RETURN CASE jsonb_typeof(j)
    WHEN 'object' THEN '{{' || coalesce((SELECT string_agg(to_json(k)::text || ':'
        || {s}.canonical(v), ',' ORDER BY k COLLATE "C") FROM jsonb_each(j) AS x(k, v)), '')
        || '}}'
    WHEN 'array' THEN '[' || coalesce((SELECT string_agg({s}.canonical(v), ',' ORDER BY n)
        FROM jsonb_array_elements(j) WITH ORDINALITY AS x(v, n)), '') || ']'
    WHEN 'string' THEN to_json(j #>> '{{}}')::text
    WHEN 'number' THEN CASE WHEN j::text ~ '^-?(0|[1-9][0-9]*)$' THEN j::text END
    ELSE j::text END;
END $$"""
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.event_hash(e_seq bigint, e_type text, e_actor text,"
            " e_wall_us bigint, e_game_ms bigint, e_payload text, e_prev_hash text)"
            " RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp"
            + """ AS $$
  -- exercise.journal.base.canonical: SHA-256 of the event's canonical JSON (UTF-8)
  SELECT encode(sha256(convert_to('{{"actor":' || to_json(e_actor)::text
    || ',"game_ms":' || e_game_ms::text || ',"payload":' || e_payload
    || ',"prev_hash":' || to_json(e_prev_hash)::text || ',"seq":' || e_seq::text
    || ',"type":' || to_json(e_type)::text || ',"wall_us":' || e_wall_us::text || '}}',
    'UTF8')), 'hex')
$$"""
        ),
        q(
            "CREATE OR REPLACE FUNCTION {s}.append_cell(expect bigint, rows jsonb)"
            " RETURNS bigint LANGUAGE plpgsql "
            + definer
            + """ AS $$
DECLARE
  me text := {s}.cell_of();
  head_seq bigint;
  head_hash text;
  r jsonb;
  p jsonb;
BEGIN
  IF me IS NULL OR me = {evaluator} THEN
    RAISE EXCEPTION 'role % plays no cell in this session', session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock({lock});
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM {s}.head() h;
  IF expect IS NOT NULL AND EXISTS (SELECT 1 FROM {s}.events e WHERE e.seq > expect
       AND {s}.visible_to(me, e.seq, e.type, e.actor, e.payload)) THEN
    RAISE EXCEPTION 'the session moved on after event %', expect
      USING ERRCODE = 'serialization_failure';
  END IF;
  FOR r IN SELECT value FROM jsonb_array_elements(rows) LOOP
    IF (r ->> 'seq')::bigint <> head_seq + 1 OR r ->> 'prev_hash' <> head_hash THEN
      RAISE EXCEPTION 'the session moved on: event % is the last', head_seq
        USING ERRCODE = 'serialization_failure';
    END IF;
    IF r ->> 'actor' = 'console' AND r ->> 'type' = 'console.refused' THEN
      NULL;  -- a wrong join code, recorded by the console before anyone is known
    ELSIF r ->> 'actor' IS DISTINCT FROM me THEN
      RAISE EXCEPTION 'role % plays cell %, not %', session_user, me, r ->> 'actor'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF r ->> 'type' NOT IN ({player}) THEN
      RAISE EXCEPTION 'a cell may not record %', r ->> 'type'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    p := (r ->> 'payload')::jsonb;
    IF jsonb_typeof(p) <> 'object' OR p ->> 'cell' IS DISTINCT FROM me OR p ? 'on_behalf' THEN
      RAISE EXCEPTION 'role % may only record events of cell %', session_user, me
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The hash is the server's to check, not the client's to claim: an event whose hash
    -- is wrong would break the chain for everyone who reads it.
    IF r ->> 'payload' IS DISTINCT FROM {s}.canonical(p) THEN
      RAISE EXCEPTION 'the payload of event % is not in canonical form', r ->> 'seq'
        USING ERRCODE = 'check_violation';
    END IF;
    IF r ->> 'hash' IS DISTINCT FROM {s}.event_hash((r ->> 'seq')::bigint, r ->> 'type',
         r ->> 'actor', (r ->> 'wall_us')::bigint, (r ->> 'game_ms')::bigint, r ->> 'payload',
         r ->> 'prev_hash') THEN
      RAISE EXCEPTION 'the hash of event % does not match its content', r ->> 'seq'
        USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO {s}.events (seq, type, actor, wall_us, game_ms, payload, prev_hash, hash)
    VALUES ((r ->> 'seq')::bigint, r ->> 'type', r ->> 'actor', (r ->> 'wall_us')::bigint,
            (r ->> 'game_ms')::bigint, r ->> 'payload', r ->> 'prev_hash', r ->> 'hash');
    head_seq := head_seq + 1;
    head_hash := r ->> 'hash';
  END LOOP;
  PERFORM pg_notify({channel}, head_seq::text);
  RETURN head_seq;
END $$"""
        ),
        q("REVOKE ALL ON FUNCTION {s}.cell_of() FROM PUBLIC"),
        q("REVOKE ALL ON FUNCTION {s}.visible_to(text, bigint, text, text, text) FROM PUBLIC"),
        q("REVOKE ALL ON FUNCTION {s}.visible(bigint, text, text, text) FROM PUBLIC"),
        q("REVOKE ALL ON FUNCTION {s}.head() FROM PUBLIC"),
        q("REVOKE ALL ON FUNCTION {s}.canonical(jsonb) FROM PUBLIC"),
        q(
            "REVOKE ALL ON FUNCTION {s}.event_hash(bigint, text, text, bigint, bigint, text, text)"
            " FROM PUBLIC"
        ),
        q("REVOKE ALL ON FUNCTION {s}.player_meta() FROM PUBLIC"),
        q("REVOKE ALL ON FUNCTION {s}.append_cell(bigint, jsonb) FROM PUBLIC"),
    ]


def player_bundle(bundle_text: str) -> str:
    """A player's copy of the scenario bundle: what ``view(state, cell)`` may show any cell
    before play. No MSEL at all (an inject's text reaches a cell with its release, see
    ``InjectText``), so no unreleased inject's title or body, no facilitator notes, no
    expectations, no triggers; modules by id and start only (their words reach a cell with
    ``module.opened``, see ``ModuleWords``); no scoring rules; no evaluation guides' critical
    tasks; no translation of any of those."""
    import attrs

    from exercise.scenario.dump import scenario_text, translation_text
    from exercise.scenario.translations import translation_path
    from exercise.session import load_bundle

    scenario = load_bundle(json.loads(bundle_text))
    translations = {
        lang: {
            k: v
            for k, v in table.items()
            if k[0] not in ("injects", "rules", "modules") and "critical_tasks" not in k
        }
        for lang, table in scenario.translations.items()
    }
    stripped = attrs.evolve(
        scenario,
        msel=(),
        ruleset=type(scenario.ruleset)(),
        objectives=tuple(attrs.evolve(o, critical_tasks=()) for o in scenario.objectives),
        modules=tuple(
            attrs.evolve(m, title=m.id, summary="", questions=()) for m in scenario.modules
        ),
        translations=translations,
    )
    texts = scenario_text(stripped, "injects.yaml", "rules.yaml")
    files = {
        "scenario.yaml": texts["scenario"],
        "injects.yaml": texts["injects"],
        "rules.yaml": texts["rules"],
    }
    for lang, kinds in translation_text(stripped).items():  # the cells' languages stay
        for kind, text in kinds.items():
            files[translation_path(Path(f"{kind}.yaml"), lang).as_posix()] = text
    bundle: dict[str, Any] = {"main": "scenario.yaml", "files": files}
    return json.dumps(bundle, sort_keys=True, ensure_ascii=False)


def grant(url: str, role: str, cell: str) -> None:
    """Make ``role`` the principal of ``cell`` (``EVALUATOR``: read-only, sees all) in the
    session ``url`` names; the role is created (LOGIN, no password) when it does not exist."""
    target = parse_url(url)
    s = sql.Identifier(target.schema)
    r = sql.Identifier(role)
    conn = _connect(target)
    try:
        with _translated(target, "grant access to", conn), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (target.lock_key,))
            for statement in _statements(target):
                conn.execute(statement)
            meta: dict[str, str] = dict(
                conn.execute(sql.SQL("SELECT key, value FROM {}.meta").format(s)).fetchall()
            )
            if "scenario_bundle" in meta:
                conn.execute(sql.SQL("DELETE FROM {}.player_scenario").format(s))
                conn.execute(
                    sql.SQL("INSERT INTO {}.player_scenario (bundle) VALUES (%s)").format(s),
                    (player_bundle(meta["scenario_bundle"]),),
                )
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(r))
            conn.execute(
                sql.SQL(
                    "INSERT INTO {}.principals (role, cell) VALUES (%s, %s)"
                    " ON CONFLICT (role) DO UPDATE SET cell = excluded.cell"
                ).format(s),
                (role, cell),
            )
            conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r))
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r))
            conn.execute(sql.SQL("GRANT SELECT ON {}.events TO {}").format(s, r))
            for function in ("cell_of()", "head()", "player_meta()", _VISIBLE):
                conn.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {}.{} TO {}").format(s, sql.SQL(function), r)
                )
            if cell == EVALUATOR:
                conn.execute(
                    sql.SQL("GRANT SELECT ON {}.meta, {}.schema_version TO {}").format(s, s, r)
                )
            else:
                conn.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {}.append_cell(bigint, jsonb) TO {}").format(
                        s, r
                    )
                )
    finally:
        conn.close()


def revoke(url: str, role: str) -> None:
    """Take the session ``url`` names away from ``role`` (the role itself stays)."""
    target = parse_url(url)
    s = sql.Identifier(target.schema)
    r = sql.Identifier(role)
    conn = _connect(target)
    try:
        with _translated(target, "revoke access to", conn), conn.transaction():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if exists is None:
                raise JournalError(f"there is no PostgreSQL role {role!r}")
            conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r))
            conn.execute(sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {} FROM {}").format(s, r))
            conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(s, r))
            principals = conn.execute(
                "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = 'principals'",
                (target.schema,),
            ).fetchone()
            if principals is not None:
                conn.execute(
                    sql.SQL("DELETE FROM {}.principals WHERE role = %s").format(s), (role,)
                )
    finally:
        conn.close()
