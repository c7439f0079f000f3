"""After-action reports built from a scenario, a journal and its scores.

:func:`build_report` makes the report as data (HSEEP AAR/IP sections, timeline, chart
figures); :func:`report_data` turns it into the documented JSON object;
:mod:`exercise.report.render` writes Markdown and HTML, :mod:`exercise.report.tables`
CSV, and :mod:`exercise.report.charts` the charts (matplotlib, imported when drawn).
"""

from exercise.report.build import Report, build_report
from exercise.report.data import report_data

__all__ = ["Report", "build_report", "report_data"]
