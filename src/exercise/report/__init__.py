"""After-action reports built from a scenario, a journal and its scores."""

from exercise.report.data import report_data

__all__ = ["report_data"]
