"""The ``exercise`` command."""
