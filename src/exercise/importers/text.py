"""Text clean-up shared by the importers: cell values, header keys, ids."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def counted(n: int, one: str, many: str | None = None) -> str:
    """A count and its noun in English (``1 team``, ``3 teams``): the importers' notices
    are English only. ``many`` is the plural when it is not ``one`` + ``s``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def clean(value: Any) -> str:
    """A cell value as trimmed text: NFC, non-breaking and other odd spaces made plain,
    runs of spaces and tabs inside a line collapsed, line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, datetime | date | time | timedelta):
        return str(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\x00", "")
    lines = [
        _SPACES.sub(" ", ln.replace("\u00a0", " ").replace("\u200b", "")).strip()
        for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def key(text: str) -> str:
    """A header or name reduced for matching: lower case, accents removed, only letters
    and digits ("Event #" and "event  no." are not equal, "Scenario Time " and
    "scenario_time" are)."""
    text = unicodedata.normalize("NFKD", text.replace("#", " number "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.casefold() if c.isalnum())


def slug(text: str) -> str:
    """An id from a name: lower case, accents removed, words joined by hyphens
    ("Kyrgyz Ministry of Defence" -> "kyrgyz-ministry-of-defence"); letters of other
    scripts are kept ("Ош облысы" -> "ош-облысы")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NOT_WORD.sub("-", text.casefold().replace("_", "-"))
    return text.strip("-")[:64].strip("-")


def shorten(text: str, limit: int = 80) -> str:
    """The first line of ``text``, cut at a word boundary to at most ``limit`` characters."""
    first = one_line(text.split("\n", 1)[0])
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0]
    return (cut or first[: limit - 1]) + "…"


def comment_safe(text: str) -> str:
    """Text that fits on one YAML comment line."""
    return one_line("".join(c if c.isprintable() else " " for c in text))
