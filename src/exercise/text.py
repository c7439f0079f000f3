"""Text from anyone is data: what may reach a terminal, and what input may hold.

Player messages, scenario titles and cell names are shown in other people's terminals.
A terminal obeys control characters: ``ESC [2J`` clears the screen, ``ESC ]0;...BEL``
retitles the window, a carriage return overwrites a line. Bidirectional overrides and
isolates reorder what is displayed (``"\\u202eTXE"`` reads as ``EXT``), and zero-width
characters hide text or make two different ids look the same.

:func:`for_terminal` is the one function every console, listing and CSV printed to a
terminal passes text through. :func:`forbidden` finds what the engine and the scenario
validation refuse in input. This module imports nothing of the project, so every layer
may use it.
"""

from __future__ import annotations

import functools
import re

#: C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F).
CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: Bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)
#: and the implicit marks (ALM, LRM, RLM).
BIDI = "\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f"
#: Invisible characters: zero-width space, non-joiner, joiner, word joiner and the
#: invisible operators, the byte order mark, the Mongolian vowel separator, soft hyphen,
#: and the Unicode tag characters (U+E0000-U+E007F, used to smuggle hidden ASCII).
INVISIBLE = "\u200b-\u200d\u2060-\u2064\ufeff\u180e\u00ad\U000e0000-\U000e007f"

_TERMINAL = re.compile(f"[{CONTROL}{BIDI}{INVISIBLE}]")
#: What JSON output escapes: the above and the line separators (a raw U+2028 in a JSON
#: string is legal, but breaks lines in terminals and in JavaScript before ES2019).
_JSON_UNSAFE = re.compile(f"[{CONTROL}{BIDI}{INVISIBLE}\u2028\u2029]")
#: What input may not hold: control characters other than tab, newline and carriage
#: return (a line end typed or pasted on Windows), and the bidi embeddings, overrides
#: and isolates. Zero-width joiners and the marks stay legal in input (Persian and the
#: Indic scripts need them); terminals get them stripped.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def for_terminal(text: object) -> str:
    """``text`` made inert for a terminal: line ends become ``\\n``; other control
    characters, bidi controls and invisible characters are removed. Tabs and newlines
    stay. Idempotent, and the identity on ordinary text."""
    value = text if isinstance(text, str) else str(text)
    if value.isprintable():  # the common case: nothing to do (no \n, no \t either)
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_SEPARATORS)
    return _TERMINAL.sub("", value)


def json_inert(text: str) -> str:
    """JSON text with every character :func:`for_terminal` would drop written as a
    ``\\uXXXX`` escape: the same JSON value, exact text kept, nothing a terminal obeys.
    (Those characters can only occur inside JSON strings, where the escape means the
    same character.)"""
    return _JSON_UNSAFE.sub(_json_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON spells characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def forbidden(text: str) -> tuple[int, str] | None:
    """The first character input may not hold, as ``(index, char)``, else None."""
    m = _FORBIDDEN.search(text)
    return (m.start(), m.group()) if m else None


#: What makes a spreadsheet read a CSV cell as a formula: OWASP's list (``= + - @`` and a
#: tab or carriage return before one), and the full-width and small forms of the same signs,
#: which spreadsheet programs in East Asian locales also start formulas with.
FORMULA_STARTS = (
    "=", "+", "-", "@", "\t", "\r",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # ＝ ＋ － ＠
    "\ufe66", "\ufe62", "\ufe63", "\ufe6b",  # ﹦ ﹢ ﹣ ﹫
)  # fmt: skip


def describe(char: str) -> str:
    """``U+001B (ESC, a control character)``: a character named for an error message."""
    code = ord(char)
    control = code < 0x20 or 0x7F <= code <= 0x9F
    kind = "a control character" if control else "a bidirectional override"
    return f"U+{code:04X} ({kind})"


__all__ = [
    "BIDI", "CONTROL", "CONTROL_WORDS", "FORMULA_STARTS", "INVISIBLE", "describe",
    "for_terminal", "forbidden",
    "imitates_control", "json_inert", "mixed_script_word", "player_text", "scripts", "skeleton",
]  # fmt: skip


# ------------------------------------------------------------------ look-alike letters
#
# A Cyrillic "Е" looks like a Latin "E": "ЕXERCISE CONTROL" typed by a player reads as
# exercise control's own words, and a cell id "kgz-mоd" (Cyrillic "о") as another cell's.
# Russian written in Cyrillic is ordinary text: only letters of two scripts inside ONE
# word, or a text whose letters all look like another's, are suspicious. The data are
# Unicode's (scripts, and the confusables of TR39) as the confusable_homoglyphs package
# ships them.

#: Scripts that are no script of their own (digits, punctuation, combining marks).
_NEUTRAL = frozenset({"COMMON", "INHERITED"})
_WORD = re.compile(r"[^\W_]+")
#: What exercise control's own words are made of (besides the scenario's marking).
CONTROL_WORDS = ("EXERCISE CONTROL",)


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    from confusable_homoglyphs import categories

    try:
        return str(categories.alias(ch))
    except (KeyError, ValueError, IndexError):
        return "COMMON"


def scripts(word: str) -> set[str]:
    """The scripts of ``word``'s letters (digits, punctuation and marks belong to none)."""
    return {_script(ch) for ch in word} - _NEUTRAL


def mixed_script_word(text: str) -> str | None:
    """The first word of ``text`` whose letters come from more than one script (Latin with
    Cyrillic, say), or None. Words of one script each, in several scripts, are fine."""
    for word in _WORD.findall(text):
        if not word.isascii() and len(scripts(word)) > 1:
            return str(word)
    return None


@functools.lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    """The Latin (or common) letter ``ch`` is confusable with; ``ch`` itself if none."""
    if ch.isascii():
        return ch
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, preferred_aliases=["latin", "common"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            if all(_script(g) in ("LATIN", "COMMON") for g in glyph["c"]):
                return str(glyph["c"])
    return ch


def skeleton(text: str, *, fold: bool = True) -> str:
    """What ``text`` looks like: each letter replaced by the Latin letter it is confusable
    with; with ``fold``, case folded and only letters and digits kept (what a banner looks
    like, however written). Two ids with one unfolded skeleton cannot be told apart on a
    screen."""
    shown = "".join(_latin(ch) for ch in text)
    if not fold:
        return shown
    return "".join(ch for ch in shown.casefold() if ch.isalnum())


def imitates_control(text: str, marking: str = "") -> bool:
    """Does ``text`` (a player's) carry exercise control's words or the exercise marking,
    in any letters that look like them?"""
    if not text:
        return False
    seen = skeleton(text)
    wanted = [skeleton(w) for w in (*CONTROL_WORDS, marking)]
    return any(w and w in seen for w in wanted)


def player_text(text: str, marking: str = "") -> str:
    """``text`` as it should reach another player's screen: quoted, and labelled as a
    player's, when it imitates exercise control (its banner or marking); else as it is."""
    if imitates_control(text, marking):
        return f"(player text) \u201c{text}\u201d"
    return text
