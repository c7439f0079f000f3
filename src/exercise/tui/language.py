"""The consoles' language and look: key descriptions in the interface language, the
switch between languages, and the high-contrast theme.

Textual's ``BINDINGS`` are class attributes, evaluated when the module is imported, before
the language is known (and a console may switch language while it runs). Their
descriptions are therefore written in English and marked with :func:`N_` for extraction;
every screen and app of the consoles derives from :class:`Localised`, which copies its
class bindings into the instance with each description passed through :func:`_` when the
instance is created. A language switch builds the screens anew (see
``ConsoleApp.action_language``), so their keys, titles, column headers and every drawn
text follow. Other fixed text is translated where it is drawn, with :func:`_` in
``compose``, ``on_mount`` and the drawing code, never at import time.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.theme import Theme

from exercise.i18n import LANGUAGES, N_, _, language

#: The high-contrast theme: white on black, yellow for the cursor and focus, no tints
#: that lower the contrast. Chosen with ``--theme high-contrast``, ``EXERCISE_THEME``, F3,
#: or the command palette's "Change theme".
HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF5555",
    success="#55FF55",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-hover-background": "#333333",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
        "border": "#FFFFFF",
        "border-blurred": "#AAAAAA",
        "datatable--even-row-background": "#000000",
    },
)

#: The themes a console offers by name (``--theme``), besides Textual's own.
THEMES = {"default": "textual-dark", "high-contrast": HIGH_CONTRAST.name}


def localise_bindings(node: DOMNode) -> None:
    """Give ``node``'s bindings the descriptions of its class bindings (written in English)
    in the interface language; bindings Textual added itself are left as they are."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    english = {
        (b.key, b.action): b.description for bs in merged.key_to_bindings.values() for b in bs
    }
    translated = BindingsMap()
    for key, bindings in node._bindings.key_to_bindings.items():
        translated.key_to_bindings[key] = [
            dataclasses.replace(b, description=_(english[(b.key, b.action)]))
            if english.get((b.key, b.action))
            else dataclasses.replace(b, description=_(PALETTE[0]), tooltip=_(PALETTE[1]))
            if b.action in PALETTE_ACTIONS
            else b
            for b in bindings
        ]
    node._bindings = translated


#: The footer's words for the command palette's key, which Textual adds in English.
PALETTE = (N_("palette"), N_("Open the command palette"))
PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


class Localised(DOMNode):
    """A screen or app whose key descriptions are in the interface language. Name it
    after the Textual class (``class X(Screen[None], Localised)``): Textual inherits the
    default CSS along the first base classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localise_bindings(self)


def other_language(current: str | None = None) -> str:
    """The interface language after ``current`` (English ↔ Russian)."""
    now = current or language()
    index = LANGUAGES.index(now) if now in LANGUAGES else -1
    return LANGUAGES[(index + 1) % len(LANGUAGES)]


#: Words the engine and the scorer hold as data (statuses, outcomes, stances) that the
#: consoles show translated with ``_(word)``; listed here so that extraction finds them.
ENGINE_WORDS = (
    N_("pending"),
    N_("final"),
    N_("accepted"),
    N_("rejected"),
    N_("modified"),
    N_("for"),
    N_("against"),
    N_("sent"),
    N_("submitted"),
    N_("answered"),
    N_("awaiting"),
    N_("note"),
    N_("strength"),
    N_("improvement"),
    N_("inject"),
    N_("message"),
    N_("move"),
    N_("request"),
    # the channels of an inject
    N_("phone"),
    N_("radio"),
    N_("email"),
    N_("fax"),
    N_("liaison"),
    N_("briefing"),
    N_("media"),
    N_("document"),
    N_("meeting"),
    N_("report"),
    # an inject's kind on the MSEL board, and who sends the scenario's injects
    N_("scheduled"),
    N_("triggered"),
    N_("contingency"),
    N_("ad hoc"),
    N_("exercise control"),
)


def word(value: str) -> str:
    """A status, outcome or kind held by the engine, in the interface language."""
    return _(value) if value else value


#: How the engine names an inject's kind in a cell's inbox (``inject (radio)``).
_INJECT_KIND = re.compile(r"^inject \((?P<channel>[\w-]+)\)$")


def kind_word(kind: str) -> str:
    """An inbox item's or an MSEL row's kind in the interface language."""
    found = _INJECT_KIND.match(kind)
    if found:
        return _("inject ({channel})").format(channel=_(found["channel"]))
    return word(kind)
