"""The bureau's review (审核): per quarter every region's report, the values
of those handed in beside the previous quarter and the year's target, and
approving or returning one region or several at once.

The page reads ``reports.figures.review``; the actions call
``reports.figures.submissions`` (each region all or nothing on its own).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from regions.roles import MANAGE_QUARTERS, REVIEW_FIGURES
from reports.figures.deadlines import quarter_begun
from reports.figures.review import ReviewBoard, quarter_to_review
from reports.figures.submissions import BatchResult, SubmissionError, approve_many, return_many
from reports.ledger.review import metric_headers, operating_review
from reports.progress import Period
from reports.views.forms import ReviewActionForm
from reports.views.mixins import PeriodChoiceMixin
from targets.access import CountyWideMixin


class ReviewView(CountyWideMixin, PeriodChoiceMixin, TemplateView):
    """``?period=2026Q3``: the quarter's reports, region by region."""

    template_name = "reports/review.html"
    required_permission = REVIEW_FIGURES

    @cached_property
    def default_period(self) -> Period:
        return quarter_to_review(self.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = ReviewBoard.load(self.plan, self.period)
        # The incubators' operating data are part of each region's report.
        operating = operating_review(self.plan, self.period)
        context.update(
            self.period_context(),
            board=board,
            review_items=[(item, operating.get(item.region.pk)) for item in board.regions],
            operating_headers=metric_headers(),
            can_manage_quarters=self.request.user.has_perm(MANAGE_QUARTERS),
        )
        return context


class ReviewActionView(CountyWideMixin, View):
    """POST only: approve (``action="approve"``) or return with a reason
    (``action="return"``) the ticked regions of the posted quarter. Each
    region is done or refused on its own; the messages list both."""

    required_permission = REVIEW_FIGURES
    action = "approve"

    def post(self, request, *args, **kwargs):
        returning = self.action == "return"
        form = ReviewActionForm(request.POST, plan=self.plan, require_reason=returning)
        if not form.is_valid():
            period = form.cleaned_data.get("period_value")
            if form.non_field_errors():
                messages.error(request, form.non_field_errors()[0])
            elif "regions" in form.errors:
                messages.error(request, _("请勾选要处理的区域。"))
            elif "reason" in form.errors:
                reason = (request.POST.get("reason") or "").strip()
                limit = form.fields["reason"].max_length
                if limit is not None and len(reason) > limit:
                    messages.error(
                        request, _("退回原因不能超过 %(limit)s 个字。") % {"limit": limit}
                    )
                else:
                    messages.error(request, _("退回必须说明原因。"))
            else:
                messages.error(request, _("请选择季度。"))
            return redirect(self.review_url(period))
        period = form.cleaned_data["period_value"]
        if not quarter_begun(period):  # nothing can be handed in yet
            message = _("%(period)s尚未开始,没有可审核或退回的数据。")
            messages.error(request, message % {"period": period.label})
            return redirect(self.review_url(None))
        regions = form.cleaned_data["regions"]
        if returning:
            try:
                result = return_many(
                    self.plan,
                    request.user,
                    period.year,
                    period.quarter,
                    regions,
                    form.cleaned_data["reason"],
                    form.versions(),
                )
            except SubmissionError as error:  # the form checked the reason first
                for message in error.messages:
                    messages.error(request, message)
                return redirect(self.review_url(period))
            done = _("已退回:%(names)s。")
        else:
            result = approve_many(
                self.plan, request.user, period.year, period.quarter, regions, form.versions()
            )
            done = _("已审核通过:%(names)s。")
        self.report(result, done)
        return redirect(self.review_url(period))

    def report(self, result: BatchResult, done: str) -> None:
        if result.done:
            names = "、".join(region.name for region in result.done)
            messages.success(self.request, done % {"names": names})
        for name, reasons in result.refused.items():
            messages.error(
                self.request,
                _("%(region)s未处理:%(reasons)s") % {"region": name, "reasons": " ".join(reasons)},
            )

    def review_url(self, period: Period | None) -> str:
        url = reverse("reports:review")
        return f"{url}?period={period.code}" if period else url
