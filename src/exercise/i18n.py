"""The interface language: gettext catalogues, the language in use, Babel formatting.

Fixed text of the CLI, the consoles and the report is written in English and wrapped in
:func:`_` (or :func:`ngettext`); ``src/exercise/locale/<lang>/LC_MESSAGES/exercise.po``
holds each language's catalogue, extracted with Babel (see docs/translating.md).

The ``.po`` catalogues are read at run time (by :func:`read_po`, a small reader of the
files Babel writes, checked against Babel's own in the tests; Babel itself is not imported
for this, which would cost a CLI start-up half a second), so an editable checkout and an
installed wheel behave the same and nothing needs compiling by hand.

The language is chosen once per process: ``--lang``, else ``EXERCISE_LANG``, else the
locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.

Scenario text (titles, bodies, questions ...) is not interface text: it is translated by
the scenario's own translation files (:mod:`exercise.scenario.translations`).
"""

from __future__ import annotations

import functools
import gettext
import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Union

DOMAIN = "exercise"
#: Interface languages with a catalogue (English is the source language).
LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

_language = DEFAULT


def catalogue_path(lang: str) -> Path:
    """Where the ``.po`` catalogue of ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


Message = str | tuple[str, str]


class Catalogue(gettext.NullTranslations):
    """A language's messages: msgid (or (singular, plural)) → translation(s)."""

    def __init__(self, messages: Mapping[Message, str | tuple[str, ...]], plural: str) -> None:
        super().__init__()
        self.messages = messages
        self.plural = gettext.c2py(plural)

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self.messages.get((msgid1, msgid2))
        if isinstance(forms, tuple):
            form = forms[min(self.plural(n), len(forms) - 1)]
            if form:
                return form
        return msgid1 if n == 1 else msgid2


#: The escapes of a quoted ``.po`` string (as Babel reads them).
_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
#: What surrounds a line's text: ASCII white space only (a quoted string keeps the rest).
_BLANK = " \t\r\n\x0b\x0c"


def _unquote(text: str) -> str:
    inner = text.strip(_BLANK)[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), inner)


def read_po(text: str) -> tuple[dict[Message, str | tuple[str, ...]], str]:
    """The translated, non-fuzzy entries of a ``.po`` file and its plural rule.

    Read as Babel's ``read_po`` reads it (a test checks that they agree on generated
    catalogues): an entry ends where the next ``msgid``, ``msgctxt`` or comment begins,
    blank lines or not; obsolete (``#~``) entries and entries with a context are not
    interface messages and are skipped."""
    messages: dict[Message, str | tuple[str, ...]] = {}
    header: dict[str, str | int] = {"plural": "n != 1", "nplurals": 2}
    ids: list[str] = []
    strs: dict[int, str] = {}
    flags: set[str] = set()
    state = {"obsolete": False, "context": False}
    into: list[str] = []  # where a continuation line goes: "id" or "str", and the index

    def finish() -> None:
        if ids and not state["obsolete"] and not state["context"]:
            _keep(ids, strs, flags, messages, header)
        ids.clear()
        strs.clear()
        flags.clear()
        state.update(obsolete=False, context=False)
        into.clear()

    for raw in text.split("\n"):
        line = raw.strip(_BLANK)
        if not line:
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip(_BLANK)
        elif line.startswith("#"):
            finish()
            if line.startswith("#,"):
                flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):
            if into and into[0] == "id":
                ids[-1] += _unquote(line)
            elif into:
                strs[int(into[1])] += _unquote(line)
            continue
        keyword, _sep, value = line.partition(" ")
        if keyword in ("msgid", "msgctxt") and (ids or state["context"]):
            finish()
        state["obsolete"] = state["obsolete"] or obsolete
        if keyword in ("msgid", "msgid_plural"):
            ids.append(_unquote(value))
            into[:] = ["id", "0"]
        elif keyword == "msgctxt":
            state["context"] = True
            into[:] = ["ctx", "0"]
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            index = keyword[7:-1] if keyword.startswith("msgstr[") else "0"
            strs[int(index)] = _unquote(value)
            into[:] = ["str", index]
    finish()
    return messages, str(header["plural"])


def _keep(
    ids: list[str],
    strs: dict[int, str],
    flags: set[str],
    messages: dict[Message, str | tuple[str, ...]],
    header: dict[str, str | int],
) -> None:
    """Add one entry: the header's plural rule, or a translated, non-fuzzy message."""
    if ids[0] == "":
        found = re.search(r"plural\s*=\s*([^;\n]+)", strs.get(0, ""))
        header["plural"] = found.group(1).strip() if found else header["plural"]
        n = re.search(r"nplurals\s*=\s*(\d+)", strs.get(0, ""))
        header["nplurals"] = int(n.group(1)) if n else header["nplurals"]
        return
    if "fuzzy" in flags:
        return
    if len(ids) > 1:
        forms = tuple(strs.get(i, "") for i in range(int(header["nplurals"])))
        if all(forms):
            messages[(ids[0], ids[1])] = forms
    elif strs.get(0):
        messages[ids[0]] = strs[0]


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English and unknown languages: identity)."""
    path = catalogue_path(lang)
    if lang == DEFAULT or not path.is_file():
        return gettext.NullTranslations()
    messages, plural = read_po(path.read_text(encoding="utf-8"))
    return Catalogue(messages, plural)


def normalise(tag: str | None) -> str | None:
    """``ru_RU.UTF-8`` → ``ru``; ``C``/``POSIX``/empty → None."""
    if not tag:
        return None
    base = tag.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
    base = base.strip().lower()
    if not base or base in ("c", "posix"):
        return None
    return base


def resolve_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The interface language: ``explicit`` (``--lang``), then ``EXERCISE_LANG``, then the
    locale's language when a catalogue exists for it, then English."""
    env = os.environ if environ is None else environ
    for tag in (explicit, env.get("EXERCISE_LANG")):
        lang = normalise(tag)
        if lang in LANGUAGES:
            return lang
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            lang = normalise(value)
            return lang if lang in LANGUAGES else DEFAULT
    return DEFAULT


def set_language(lang: str) -> None:
    """Use ``lang`` for every message from now on (``en`` if there is no catalogue)."""
    global _language
    _language = lang if lang in LANGUAGES else DEFAULT


def language() -> str:
    """The interface language in use."""
    return _language


def _(message: str) -> str:
    """``message`` in the interface language."""
    return translations(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the interface language."""
    return translations(_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; translate it with :func:`_` where it is shown."""
    return message


def gettext_for(lang: str) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """``gettext`` and ``ngettext`` of ``lang`` (for a Jinja environment)."""
    t = translations(lang if lang in LANGUAGES else DEFAULT)
    return t.gettext, t.ngettext


# --------------------------------------------------------------------------- formatting


def _locale(lang: str | None) -> str:
    return lang or _language


def format_number(value: float, lang: str | None = None) -> str:
    """A number with the language's decimal and grouping signs (``1 234,5`` in Russian)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang))


def format_decimal_(value: float, lang: str | None = None) -> str:
    """A number with up to two decimals, in the language's style (``0,75``)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=_locale(lang))


def format_percent(value: float, lang: str | None = None) -> str:
    """A share (0.5) as a percentage in the language's style (``50 %`` in Russian)."""
    from babel.numbers import format_percent as fp

    return fp(value, locale=_locale(lang))


def format_date(value: datetime, lang: str | None = None) -> str:
    """A calendar date in words (``13 октября 2003 г.``)."""
    from babel.dates import format_date as fd

    return fd(value, format="long", locale=_locale(lang))


def format_datetime(value: datetime, lang: str | None = None) -> str:
    """A date and a time of day (``13 окт. 2003 г., 06:00``)."""
    from babel.dates import format_date as fd
    from babel.dates import format_time

    loc = _locale(lang)
    return f"{fd(value, format='medium', locale=loc)}, {format_time(value, 'short', locale=loc)}"


def format_duration(value: timedelta, lang: str | None = None) -> str:
    """A duration in words at the nearest sensible unit (``2 часа``, ``45 minutes``)."""
    from babel.dates import format_timedelta

    return format_timedelta(value, threshold=1.5, locale=_locale(lang))


# --------------------------------------------------------------------------- deferred text


class _Value:
    """Immutable by convention, compared and hashed by its fields (cheaper to make than a
    frozen dataclass: the scorer makes one or more per award)."""

    __slots__: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"


class Num(_Value):
    """A number shown in a message: ``spec`` is its English format (``g``, ``.3g``,
    ``.0%``); another language gets its own decimal sign (and percent style) from Babel."""

    __slots__ = ("spec", "value")

    def __init__(self, value: float, spec: str = "g") -> None:
        self.value = value
        self.spec = spec

    def render(self, lang: str) -> str:
        if lang == DEFAULT:
            return format(self.value, self.spec)
        from babel.numbers import format_percent as fp
        from babel.numbers import get_decimal_symbol, get_minus_sign_symbol

        if self.spec.endswith("%"):
            try:
                return fp(self.value, locale=lang)
            except ArithmeticError:  # past what Babel's decimal context holds (~1e26)
                pass  # said as below, in Python's words with the language's signs
        text = format(self.value, self.spec)
        return text.replace("-", get_minus_sign_symbol(lang)).replace(".", get_decimal_symbol(lang))

    def __str__(self) -> str:
        return self.render(_language)


class Join(_Value):
    """Parts shown one after another with ``sep`` between them (``sep`` is a msgid when
    it has words: ``N_(" or ")``)."""

    __slots__ = ("parts", "sep")

    def __init__(self, parts: tuple[Param, ...], sep: str = ", ") -> None:
        self.parts = parts
        self.sep = sep

    def render(self, lang: str) -> str:
        sep = translations(lang).gettext(self.sep) if self.sep.strip(" ,;") else self.sep
        return sep.join(render(p, lang) for p in self.parts)

    def __str__(self) -> str:
        return self.render(_language)


class Msg(_Value):
    """Text not yet in any language: a msgid (and its plural, with the count ``n``) and
    the values of its ``{placeholders}``, rendered by whoever shows it (:meth:`render`),
    so the domain core can explain itself without choosing a language.

    A value is data (a cell id, a game time: shown as given), a number (``int``, or
    :class:`Num`), or another :class:`Msg` or :class:`Join` (rendered in the same
    language). ``str(msg)`` renders it in the interface language in use."""

    __slots__ = ("id", "n", "params", "plural")

    def __init__(
        self, id: str, params: tuple[tuple[str, Param], ...] = (), plural: str = "", n: int = 0
    ) -> None:
        self.id = id
        self.params = params
        self.plural = plural
        self.n = n

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the interface language in use)."""
        lang = lang if lang in LANGUAGES else _language
        t = translations(lang)
        template = t.ngettext(self.id, self.plural, self.n) if self.plural else t.gettext(self.id)
        return template.format(**{k: render(v, lang) for k, v in self.params})

    def __str__(self) -> str:
        return self.render()


Param = Union[str, int, float, Num, Join, Msg]  # noqa: UP007 - a forward reference


def msg(msgid: str, /, **params: Param) -> Msg:
    """A deferred message: ``msg(N_("{cell} warned {b}"), cell=..., b=...)``."""
    return Msg(msgid, tuple(params.items()))


def nmsg(singular: str, plural: str, n: int, /, **params: Param) -> Msg:
    """A deferred message whose form follows the count ``n`` (passed as ``{n}`` too)."""
    return Msg(singular, tuple({"n": n, **params}.items()), plural, n)


def render(value: Param, lang: str | None = None) -> str:
    """A message parameter in ``lang``: messages and numbers rendered, data as given."""
    lang = lang if lang in LANGUAGES else _language
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Num | Join):
        return value.render(lang)
    if isinstance(value, float):
        return Num(value).render(lang)
    return str(value)


# --------------------------------------------------------------------------- stored messages

#: The most a stored message may hold (nested messages, numbers, parts): a journal is read
#: from anyone's file, so what it stores is checked before it is shown.
_STORED_MAX = 200


def dump_message(message: Msg) -> str:
    """A deferred message as compact JSON (its msgid, plural and count, and its values),
    so that what was said in English can be said again in a reader's language
    (:func:`load_message`)."""
    import json

    def enc(value: Param) -> object:
        if isinstance(value, Msg):
            out: dict[str, object] = {"id": value.id}
            if value.plural:
                out["plural"], out["n"] = value.plural, value.n
            if value.params:
                out["params"] = {k: enc(v) for k, v in value.params}
            return out
        if isinstance(value, Num):
            return {"num": value.value, "spec": value.spec}
        if isinstance(value, float):
            return {"num": value, "spec": "g"}
        if isinstance(value, Join):
            return {"join": [enc(p) for p in value.parts], "sep": value.sep}
        return value

    return json.dumps(enc(message), ensure_ascii=False, separators=(",", ":"))


class _Unfit(Exception):
    pass


def load_message(text: str, lang: str) -> Msg | None:
    """The message :func:`dump_message` stored, when ``lang`` can say it: every msgid in
    it is in that language's catalogue and every value has its stored shape. None when
    not (an older release's message, a damaged or hand-made journal), and the caller
    shows the English it recorded instead."""
    import json

    catalogue = translations(lang)
    if not isinstance(catalogue, Catalogue):
        return None
    known = catalogue.messages
    budget = [_STORED_MAX]

    def spend() -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _Unfit

    def dec(value: object) -> Param:
        spend()
        if isinstance(value, bool):
            raise _Unfit
        if isinstance(value, str | int):
            return value
        if not isinstance(value, dict):
            raise _Unfit
        if "num" in value:
            number, spec = value.get("num"), value.get("spec")
            if set(value) != {"num", "spec"} or isinstance(number, bool):
                raise _Unfit
            if not isinstance(number, int | float) or not isinstance(spec, str):
                raise _Unfit
            if not _SPEC.fullmatch(spec):
                raise _Unfit
            return Num(number, spec)
        if "join" in value:
            parts, sep = value.get("join"), value.get("sep")
            if set(value) != {"join", "sep"} or not isinstance(parts, list):
                raise _Unfit
            if not isinstance(sep, str) or (sep.strip(" ,;") and sep not in known):
                raise _Unfit
            return Join(tuple(dec(p) for p in parts), sep)
        return dec_msg(value)

    def dec_msg(value: dict[str, object]) -> Msg:
        if not set(value) <= {"id", "plural", "n", "params"}:
            raise _Unfit
        msgid, plural, n = value.get("id"), value.get("plural", ""), value.get("n", 0)
        params = value.get("params", {})
        if not (isinstance(msgid, str) and isinstance(plural, str) and isinstance(params, dict)):
            raise _Unfit
        if not isinstance(n, int) or isinstance(n, bool):
            raise _Unfit
        if (msgid, plural) not in known if plural else msgid not in known:
            raise _Unfit
        return Msg(msgid, tuple((str(k), dec(v)) for k, v in params.items()), plural, n)

    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            return None
        message = dec_msg(data)
        message.render(lang)  # its placeholders are all there
    except (ValueError, TypeError, RecursionError, KeyError, IndexError, _Unfit):
        return None
    return message


#: The number formats a stored message may carry (``g``, ``.3g``, ``.0%`` ...).
_SPEC = re.compile(r"(\.\d)?[fg%]?")


# --------------------------------------------------------------------------- data as words

#: Unicode scripts (by their Unicode alias) as a message names them: "mixes Cyrillic and
#: Latin letters". A script not listed is named by its alias in every language.
SCRIPT_WORDS = {
    "ARABIC": N_("Arabic"),
    "ARMENIAN": N_("Armenian"),
    "CHEROKEE": N_("Cherokee"),
    "CYRILLIC": N_("Cyrillic"),
    "DEVANAGARI": N_("Devanagari"),
    "GEORGIAN": N_("Georgian"),
    "GREEK": N_("Greek"),
    "HAN": N_("Han"),
    "HANGUL": N_("Hangul"),
    "HEBREW": N_("Hebrew"),
    "HIRAGANA": N_("Hiragana"),
    "KATAKANA": N_("Katakana"),
    "LATIN": N_("Latin"),
    "THAI": N_("Thai"),
}


def script_words(scripts: set[str] | frozenset[str]) -> Join:
    """The names of ``scripts`` (Unicode aliases) joined by "and", each put into words
    where it is shown: ``Cyrillic and Latin`` / ``кириллица и латиница``."""
    return Join(
        tuple(Msg(SCRIPT_WORDS.get(s, s.title())) for s in sorted(scripts, key=str.title)),
        N_(" and "),
    )


def character_words(char: str) -> Msg:
    """``U+001B (a control character)``: a character input may not hold, named for a
    message (:func:`exercise.text.describe` says the same in English only)."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return msg(N_("U+{code} (a control character)"), code=f"{code:04X}")
    return msg(N_("U+{code} (a bidirectional override)"), code=f"{code:04X}")


#: An item a cell receives (``inject:INJ-001``, ``message:21``) as a message names it: the
#: id itself in English, its kind in words in another language ("сообщение 21").
ITEM_WORDS = {
    "inject": N_("inject:{ref}"),
    "message": N_("message:{ref}"),
    "move": N_("move:{ref}"),
    "answer": N_("answer:{ref}"),
}


def item_words(item: str) -> Msg | str:
    """An item's id for a message (an id of another form: as it is)."""
    kind, sep, ref = item.partition(":")
    words = ITEM_WORDS.get(kind)
    return msg(words, ref=ref) if sep and words else item
