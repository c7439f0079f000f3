"""Textual consoles: the facilitator's (exercise control) and, later, the players'.

A thin client of the core: it reads the session's state, sends commands through
``Session.execute`` and follows the journal for what other processes append."""
