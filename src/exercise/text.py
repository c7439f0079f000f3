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


def describe(char: str) -> str:
    """``U+001B (ESC, a control character)``: a character named for an error message."""
    code = ord(char)
    control = code < 0x20 or 0x7F <= code <= 0x9F
    kind = "a control character" if control else "a bidirectional override"
    return f"U+{code:04X} ({kind})"


__all__ = ["BIDI", "CONTROL", "INVISIBLE", "describe", "for_terminal", "forbidden", "json_inert"]
