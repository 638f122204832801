"""Staff set or clear a quarter's due date (on the quarters page)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from regions.roles import MANAGE_QUARTERS
from reports.figures.changes import FigureError
from reports.figures.deadlines import set_due_date
from reports.views.forms import DueDateForm
from targets.access import CountyWideMixin


class QuarterDueDateView(CountyWideMixin, View):
    """POST only: the posted quarter's due date, or ``clear`` for the default."""

    required_permission = MANAGE_QUARTERS

    def post(self, request, *args, **kwargs):
        form = DueDateForm(request.POST, plan_years=self.plan.years)
        if not form.is_valid():
            messages.error(request, _("请选择季度并填写有效的截止日期。"))
            period = form.cleaned_data.get("period_value")
            query = f"?period={period.code}" if period else ""
            return redirect(reverse("reports:quarters") + query)
        period = form.cleaned_data["period_value"]
        due = None if form.cleaned_data["clear"] else form.cleaned_data["due"]
        try:
            in_force = set_due_date(self.plan, request.user, period.year, period.quarter, due)
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if due is None:
                message = _("%(period)s的截止日期已恢复为默认:%(due)s。")
            else:
                message = _("%(period)s的截止日期已设为 %(due)s。")
            messages.success(request, message % {"period": period.label, "due": in_force})
        return redirect(f"{reverse('reports:quarters')}?period={period.code}")
