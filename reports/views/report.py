"""The official report download (issue 5 item 8): annex 1, annex 2 and the
completion charts as one xlsx workbook for a chosen quarter.

A report covers the whole county, so it goes through ``CountyWideMixin``: a
township official is sent to their own township's page and never receives the
workbook. Staff and leaders both download it — it only reads. It counts what
the overview it is linked from counts (approved figures; staff who ticked
"include submitted" get that too, and its title says so) and states the
quarter's reporting coverage under every title.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from reports.excel.report import XLSX_CONTENT_TYPE, build_report_workbook
from reports.figures.measure_board import board, measure_lines
from reports.progress import Period
from reports.views.goals import GoalsMixin
from reports.views.mixins import ProgressMixin
from targets.access import CountyWideMixin
from targets.annexes import annex1_rows

# Characters Windows refuses in a file name; a plan's name is free text.
UNSAFE_FILENAME_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def report_filename(plan_name: str, period: Period) -> str:
    """``<plan name>完成情况_2026Q3.xlsx``: the plan's own name, so every county
    gets its own, and the period code, so downloads of two quarters differ."""
    name = _("%(plan)s完成情况_%(period)s") % {"plan": plan_name, "period": period.code}
    return UNSAFE_FILENAME_CHARS.sub("_", name).strip() + ".xlsx"


class ReportView(CountyWideMixin, GoalsMixin, ProgressMixin, View):
    """``GET /report/?period=2026Q3`` → the report workbook as an attachment."""

    # No period: the default quarter (the file name says which). A bad one
    # goes back to the overview, which links here, saying so: a download
    # shows no page, so a warning would surface later on an unrelated one.
    warn_on_bad_period = False

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if refusal := self.refuse_download_of_bad_period(reverse("reports:overview")):
            return refusal
        annex1 = annex1_rows(self.data.indicators, self.data.targets, self.plan.years)
        coverage = self.coverage_context()
        rows = board(self.plan.measures.all(), self.period, timezone.localdate())
        content = build_report_workbook(
            self.table,
            annex1,
            self.plan,
            self.period,
            coverage["coverage_words"],
            goals=self.goal_rows,
            measures=measure_lines(rows),
            notice=coverage["coverage_notice"] or "",
        )
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=report_filename(self.plan.name, self.period)
        )
        return response
