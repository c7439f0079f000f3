"""exercise: run tabletop and command-post exercises from YAML scenarios."""

__version__ = "0.1.0"
