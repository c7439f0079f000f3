"""A Select whose dropdown hands on the keys it receives after the focus has left it.

Textual sends a key to the widget focused when the key is read and checks the non-priority
bindings (enter in a dropdown) against the focus when the widget has handled it. On a loaded
machine, enter, tab and some text typed at once all went to the open dropdown: the text was
eaten by its type-to-search and the choice took the focus back to the Select. Form dialogs move
the focus as tab is read (a priority binding); the dropdown here then applies a late enter to
the option it highlights and passes every other late key to the widget that has the focus.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay


class _Overlay(SelectOverlay):
    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is self:
            return  # SelectOverlay's own handling follows
        event.stop()
        event.prevent_default()
        select = self.parent
        if event.key == "enter" and isinstance(select, Choice):
            if self.highlighted is not None:
                select.value = select._options[self.highlighted][1]
            select.expanded = False
        elif focused is not None:
            focused._forward_event(events.Key(event.key, event.character))


class Choice(Select[str]):
    """Textual's Select, safe for keys typed ahead (see the module's docstring)."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _Overlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
