"""Event type names. Payloads are JSON objects; their keys are listed per type in
docs/events.md. Items (what can be read, acknowledged, published) are named
``inject:ID``, ``message:SEQ`` or ``move:SEQ``."""

CLOCK_STARTED = "clock.started"
CLOCK_PAUSED = "clock.paused"
CLOCK_RESUMED = "clock.resumed"
CLOCK_RATIO_SET = "clock.ratio_set"
CLOCK_JUMPED = "clock.jumped"
EXERCISE_ENDED = "exercise.ended"

INJECT_RELEASED = "inject.released"
INJECT_HELD = "inject.held"
INJECT_UNHELD = "inject.unheld"
INJECT_SKIPPED = "inject.skipped"
INJECT_RETIMED = "inject.retimed"
INJECT_ADDED = "inject.added"
ITEM_PUBLISHED = "item.published"
ITEM_READ = "item.read"
ITEM_ACKNOWLEDGED = "item.acknowledged"

MOVE_SUBMITTED = "move.submitted"
MOVE_ARGUED = "move.argued"
MOVE_ADJUDICATED = "move.adjudicated"
MESSAGE_SENT = "message.sent"
RFI_ASKED = "rfi.asked"
RFI_ANSWERED = "rfi.answered"
OBSERVATION_RECORDED = "observation.recorded"
RATING_OVERRIDDEN = "rating.overridden"
IMPROVEMENT_PLANNED = "improvement.planned"
CONSOLE_JOINED = "console.joined"
CONSOLE_REFUSED = "console.refused"

ALL = frozenset(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str))
