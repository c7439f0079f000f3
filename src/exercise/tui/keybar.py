"""The key bar at the foot of every console screen: Textual's ``Footer``, styled once.

Textual's ``FooterKey`` starts compact and is then bound to its footer's (not compact)
style, so each key restyles itself twice while the footer is built; with sixteen keys
that was a sixth of the facilitator console's start. Each key here is given its
footer's style before it is mounted, so it is styled once. Nothing else differs."""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyBar(Footer):
    """``Footer`` whose keys are styled once when it is (re)built."""

    def compose(self) -> Iterator[Widget]:
        compact = self.compact
        for widget in super().compose():
            # the command palette's key is not bound to the footer's style: left as it is
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget


__all__ = ["KeyBar"]
