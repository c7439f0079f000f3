"""Event type names, and the typed event classes (defined in :mod:`exercise.model.events`).

Payload keys per type are listed in docs/events.md. Items (what can be read, acknowledged,
published) are named ``inject:ID``, ``message:SEQ``, ``move:SEQ`` or ``answer:SEQ``.
"""

from exercise.model.events import (
    EVENT_TYPES,
    ClockJumped,
    ClockPaused,
    ClockRatioSet,
    ClockResumed,
    ClockStarted,
    ConsentGiven,
    ConsentRefused,
    ConsoleJoined,
    ConsoleLeft,
    ConsoleRefused,
    ConsultationAnswered,
    ConsultationSent,
    Damaged,
    EventData,
    ExerciseEnded,
    ImprovementPlanned,
    InjectAdded,
    InjectHeld,
    InjectReleased,
    InjectRetimed,
    InjectSkipped,
    InjectUnheld,
    IntentStated,
    ItemAcknowledged,
    ItemPublished,
    ItemRead,
    JournalSealed,
    MatrixRoll,
    MessageSent,
    ModuleNoted,
    ModuleOpened,
    MoveAdjudicated,
    MoveArgued,
    MoveSubmitted,
    ObservationRecorded,
    Outcome,
    QuestionAnswered,
    RatingOverridden,
    RfiAnswered,
    RfiAsked,
    Unknown,
)

CLOCK_STARTED = ClockStarted.TYPE
CLOCK_PAUSED = ClockPaused.TYPE
CLOCK_RESUMED = ClockResumed.TYPE
CLOCK_RATIO_SET = ClockRatioSet.TYPE
CLOCK_JUMPED = ClockJumped.TYPE
EXERCISE_ENDED = ExerciseEnded.TYPE

INJECT_RELEASED = InjectReleased.TYPE
INJECT_HELD = InjectHeld.TYPE
INJECT_UNHELD = InjectUnheld.TYPE
INJECT_SKIPPED = InjectSkipped.TYPE
INJECT_RETIMED = InjectRetimed.TYPE
INJECT_ADDED = InjectAdded.TYPE
ITEM_PUBLISHED = ItemPublished.TYPE
ITEM_READ = ItemRead.TYPE
ITEM_ACKNOWLEDGED = ItemAcknowledged.TYPE

MOVE_SUBMITTED = MoveSubmitted.TYPE
MOVE_ARGUED = MoveArgued.TYPE
MOVE_ADJUDICATED = MoveAdjudicated.TYPE
MESSAGE_SENT = MessageSent.TYPE
RFI_ASKED = RfiAsked.TYPE
RFI_ANSWERED = RfiAnswered.TYPE
OBSERVATION_RECORDED = ObservationRecorded.TYPE
RATING_OVERRIDDEN = RatingOverridden.TYPE
IMPROVEMENT_PLANNED = ImprovementPlanned.TYPE
INTENT_STATED = IntentStated.TYPE
CONSULTATION_SENT = ConsultationSent.TYPE
CONSULTATION_ANSWERED = ConsultationAnswered.TYPE
CONSENT_GIVEN = ConsentGiven.TYPE
CONSENT_REFUSED = ConsentRefused.TYPE
CONSOLE_JOINED = ConsoleJoined.TYPE
CONSOLE_REFUSED = ConsoleRefused.TYPE
CONSOLE_LEFT = ConsoleLeft.TYPE
JOURNAL_SEALED = JournalSealed.TYPE
MODULE_OPENED = ModuleOpened.TYPE
MODULE_NOTED = ModuleNoted.TYPE
QUESTION_ANSWERED = QuestionAnswered.TYPE

ALL = frozenset(EVENT_TYPES)

__all__ = [
    "ALL",
    "CLOCK_JUMPED",
    "CLOCK_PAUSED",
    "CLOCK_RATIO_SET",
    "CLOCK_RESUMED",
    "CLOCK_STARTED",
    "CONSENT_GIVEN",
    "CONSENT_REFUSED",
    "CONSOLE_JOINED",
    "CONSOLE_LEFT",
    "CONSOLE_REFUSED",
    "CONSULTATION_ANSWERED",
    "CONSULTATION_SENT",
    "EVENT_TYPES",
    "EXERCISE_ENDED",
    "IMPROVEMENT_PLANNED",
    "INJECT_ADDED",
    "INJECT_HELD",
    "INJECT_RELEASED",
    "INJECT_RETIMED",
    "INJECT_SKIPPED",
    "INJECT_UNHELD",
    "INTENT_STATED",
    "ITEM_ACKNOWLEDGED",
    "ITEM_PUBLISHED",
    "ITEM_READ",
    "JOURNAL_SEALED",
    "MESSAGE_SENT",
    "MODULE_NOTED",
    "MODULE_OPENED",
    "MOVE_ADJUDICATED",
    "MOVE_ARGUED",
    "MOVE_SUBMITTED",
    "OBSERVATION_RECORDED",
    "QUESTION_ANSWERED",
    "RATING_OVERRIDDEN",
    "RFI_ANSWERED",
    "RFI_ASKED",
    "ClockJumped",
    "ClockPaused",
    "ClockRatioSet",
    "ClockResumed",
    "ClockStarted",
    "ConsentGiven",
    "ConsentRefused",
    "ConsoleJoined",
    "ConsoleLeft",
    "ConsoleRefused",
    "ConsultationAnswered",
    "ConsultationSent",
    "Damaged",
    "EventData",
    "ExerciseEnded",
    "ImprovementPlanned",
    "InjectAdded",
    "InjectHeld",
    "InjectReleased",
    "InjectRetimed",
    "InjectSkipped",
    "InjectUnheld",
    "IntentStated",
    "ItemAcknowledged",
    "ItemPublished",
    "ItemRead",
    "JournalSealed",
    "MatrixRoll",
    "MessageSent",
    "ModuleNoted",
    "ModuleOpened",
    "MoveAdjudicated",
    "MoveArgued",
    "MoveSubmitted",
    "ObservationRecorded",
    "Outcome",
    "QuestionAnswered",
    "RatingOverridden",
    "RfiAnswered",
    "RfiAsked",
    "Unknown",
]
