"""The quarterly work: the entry grid (staff for every region, a township
official for their own) and a township's 上报, closing and reopening quarters,
completeness, and the change history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from regions.models import Region
from regions.roles import ENTER_FIGURES, MANAGE_QUARTERS, REPORT_OWN_FIGURES, REVIEW_FIGURES
from reports.choices import Source, SubmissionState
from reports.figures import deadlines as due
from reports.figures.changes import FigureConflictError, FigureError
from reports.figures.completeness import Completeness, MissingTable, QuartersTable
from reports.figures.entry import CELL_FIELD, EntryForm, EntryGrid
from reports.figures.history import (
    ChangeTable,
    EventTable,
    figure_history,
    submission_events,
    target_history,
)
from reports.figures.quarters import (
    close_quarter,
    closed_quarters,
    is_closed,
    quarter_events,
    reopen_quarter,
    unentered_county_indicators,
)
from reports.figures.services import record_figures
from reports.figures.submissions import submit, unapproved_regions
from reports.models import Figure
from reports.progress import Period, default_period
from reports.views.forms import DueDateForm, QuarterActionForm, SubmitForm
from reports.views.mixins import EntryAccessMixin, PeriodChoiceMixin, PeriodMixin
from targets.access import CountyWideMixin, PlanAccessMixin


class EntryView(EntryAccessMixin, TemplateView):
    """One form for a whole quarter, saved all or nothing: for staff every
    region × indicator plus the county-only indicators, each region with the
    state of its report; for a township official their own region's row,
    its state, the reason when it was returned, and the 上报 button. The
    cells are read-only in a closed quarter, and for the township once it
    has handed the quarter in (已上报, 已审核)."""

    template_name = "reports/entry.html"

    @cached_property
    def grid(self) -> EntryGrid:
        return EntryGrid.load(self.plan, self.period, region=self.entry_region)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or EntryForm(grid=self.grid)
        closed = is_closed(self.plan, self.period)
        not_begun = not due.quarter_begun(self.period)
        own_row = self.grid.own_row
        handed_in = own_row is not None and not own_row.editable_by_township
        submit_form = missing = None
        if own_row is not None:
            submit_form = SubmitForm(
                initial={"period": self.period.code, "version": own_row.version},
                plan_years=self.plan.years,
            )
            missing = [c.indicator.name for c in own_row.cells if c and c.value is None]
        context.update(
            self.period_context(),
            form=form,
            grid=self.grid,
            rows=[
                (row, [(cell, form[cell.name] if cell else None) for cell in row.cells])
                for row in self.grid.rows
            ],
            closed=closed,
            not_begun=not_begun,
            locked=closed or handed_in or not_begun,
            own_row=own_row,
            # A plan of county-level indicators only: a township has no cell.
            nothing_to_report=own_row is not None and not self.grid.indicators,
            can_submit=own_row is not None
            and not closed
            and own_row.state in (SubmissionState.DRAFT, SubmissionState.RETURNED),
            missing=missing,
            submit_form=submit_form,
            can_manage_quarters=self.request.user.has_perm(MANAGE_QUARTERS),
            can_review=self.request.user.has_perm(REVIEW_FIGURES),
        )
        return context

    def post(self, request, *args, **kwargs):
        if refusal := self.refuse_bad_posted_period():
            return refusal
        form = EntryForm(request.POST, grid=self.grid)
        if is_closed(self.plan, self.period):
            messages.error(request, _("本季度已关闭,需先重新开放才能修改。"))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        own_row = self.grid.own_row
        if own_row is not None and not own_row.editable_by_township:
            # The write would refuse it too (under lock); saying so before
            # asking to confirm warnings about values that cannot be saved.
            messages.error(
                request,
                _("本季度数据%(state)s,不能再修改;如需更正,请联系%(bureau)s退回。")
                % {"state": own_row.state_label, "bureau": self.plan.bureau_name},
            )
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if not form.is_valid():
            messages.error(request, _("有单元格填写有误,未保存任何数据,请按提示修改。"))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        warnings = form.warnings()
        if warnings and not form.cleaned_data["confirm_warnings"]:
            return self.render_to_response(
                self.get_context_data(form=form, warnings=warnings, ask_confirm=True)
            )
        changes = form.changes()
        if not changes:
            messages.info(request, _("没有修改,未保存。"))
            return redirect(self.success_url())
        try:
            result = record_figures(self.plan, request.user, changes, source=Source.FORM)
        except FigureConflictError as error:
            return self.render_conflicts(form, error)
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(
            request,
            _("已保存 %(period)s:%(summary)s。")
            % {"period": self.period.label, "summary": result.describe()},
        )
        if result.unapproved:
            messages.warning(request, result.describe_unapproved())
        if self.entry_region is not None:
            messages.info(request, _("数据已保存为草稿,尚未上报;全部填好并核对后,请点击“上报”。"))
        return redirect(self.success_url())

    def render_conflicts(self, form: EntryForm, error: FigureConflictError):
        """Nothing was saved. Show each conflicting cell with both values and
        keep what this user typed; the hidden versions move to the current
        ones, so saving again is a deliberate overwrite."""
        data = form.data.copy()
        by_name = {cell.name: cell for cell in self.grid.cells}
        conflicts = []
        for conflict in error.conflicts:
            change = conflict.change
            name = f"c{change.indicator_id}_{change.region_id or 'county'}"
            data[f"v{name[1:]}"] = str(conflict.current_version)
            cell = by_name[name]
            conflicts.append((cell, conflict))
        form = EntryForm(data, grid=self.grid)
        form.is_valid()
        messages.error(self.request, error.messages[0])
        context = self.get_context_data(form=form, conflicts=conflicts)
        return self.render_to_response(context, status=409)

    def success_url(self) -> str:
        return f"{reverse('reports:entry')}?period={self.period.code}"


class SubmitView(EntryAccessMixin, View):
    """POST only: a township official hands their region's quarter to the
    bureau (上报). The region is always the official's own; the posted
    version is the report's as the page showed it, so a page that is out of
    date (returned or approved meanwhile) is refused."""

    required_permission = REPORT_OWN_FIGURES

    def post(self, request, *args, **kwargs):
        if self.entry_region is None:
            raise PermissionDenied(_("只能上报本区域的数据。"))
        form = SubmitForm(request.POST, plan_years=self.plan.years)
        if not form.is_valid():
            messages.error(request, _("表单已过期或被篡改,请重新打开本页。"))
            return redirect("reports:entry")
        period = form.cleaned_data["period_value"]
        grid = self.posted_grid(period)
        if grid is not None and grid.is_valid() and grid.stale():
            # The page's values are no longer the saved ones because someone
            # (the bureau, on the region's behalf) saved since: not the
            # official's own unsaved typing.
            messages.error(
                request,
                _(
                    "本页打开后,本季度数据已被他人修改,未上报。请重新打开本页,核对最新数据后再上报。"
                ),
            )
            return self.grid_as_typed(request, *args, **kwargs)
        if grid is not None and (not grid.is_valid() or grid.changed_cells()):
            messages.error(request, _("表中有尚未保存的修改,未上报。请先保存(或撤销修改),再上报。"))
            return self.grid_as_typed(request, *args, **kwargs)
        try:
            submit(
                self.plan,
                request.user,
                self.entry_region,
                period.year,
                period.quarter,
                seen_version=form.cleaned_data["version"],
            )
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已上报%(period)s的数据,等待%(bureau)s审核;审核或退回前不能再修改。")
                % {"period": period.label, "bureau": self.plan.bureau_name},
            )
        return redirect(f"{reverse('reports:entry')}?period={period.code}")

    def grid_as_typed(self, request, *args, **kwargs) -> HttpResponse:
        """The entry page with what the official typed still in its cells
        (and any cell's error), so that 保存草稿 keeps it: a redirect would
        show the saved values and lose the typing."""
        page = EntryView()
        page.setup(request, *args, **kwargs)
        page.scope = self.scope  # this view's access checks, already passed
        form = EntryForm(request.POST, grid=page.grid)
        form.is_valid()  # the cells' own errors, if any, beside them
        return page.render_to_response(page.get_context_data(form=form), status=409)

    def posted_grid(self, period: Period) -> EntryForm | None:
        """The 上报 button sits in the grid's form, so the grid comes along:
        values typed and not saved would otherwise be silently left out of
        what is handed in. None when no cell was posted."""
        if not any(CELL_FIELD.match(name) for name in self.request.POST):
            return None
        grid = EntryGrid.load(self.plan, period, region=self.entry_region)
        return EntryForm(self.request.POST, grid=grid)


class QuartersView(CountyWideMixin, PeriodChoiceMixin, TemplateView):
    """Per quarter: how complete the reporting is, whether it is closed, and
    the record of every close and reopen. Staff close and reopen here."""

    template_name = "reports/quarters.html"
    required_permission = ENTER_FIGURES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        completeness = Completeness.load(self.plan)
        closed = closed_quarters(self.plan)
        events = quarter_events(self.plan)
        deadlines = due.QuarterDeadlines.load(self.plan, self.period, due.today())
        context.update(
            self.period_context(),
            quarters_table=QuartersTable.build(
                completeness, closed, self.plan, due=deadlines.due, overdue=deadlines.overdue
            ),
            deadlines=deadlines,
            due_form=DueDateForm(
                initial={"period": self.period.code, "due": deadlines.period_due},
                plan_years=self.plan.years,
            ),
            missing_table=MissingTable.build(completeness, self.period),
            events=events,
            period_closed=(self.period.year, self.period.quarter) in closed,
            not_begun=not due.quarter_begun(self.period),
            unapproved=unapproved_regions(self.plan, self.period.year, self.period.quarter),
            unentered=unentered_county_indicators(self.plan, self.period.year, self.period.quarter),
            region_count=self.plan.regions.count(),
            can_manage_quarters=self.request.user.has_perm(MANAGE_QUARTERS),
            can_review=self.request.user.has_perm(REVIEW_FIGURES),
        )
        return context


class QuarterActionView(CountyWideMixin, View):
    """POST only: close or reopen the posted quarter (reopening needs a
    reason). Closing needs every region's report approved, or the
    "仍然关闭" box ticked with a reason (``close_quarter`` records both)."""

    required_permission = MANAGE_QUARTERS
    action = "close"

    def post(self, request, *args, **kwargs):
        form = QuarterActionForm(
            request.POST, plan_years=self.plan.years, require_reason=self.action == "reopen"
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("reports:quarters")
        period = form.cleaned_data["period_value"]
        reason = form.cleaned_data["reason"]
        try:
            if self.action == "close":
                close_quarter(
                    self.plan,
                    request.user,
                    period.year,
                    period.quarter,
                    reason,
                    override=form.cleaned_data["override"],
                )
                messages.success(request, _("%(period)s已关闭。") % {"period": period.label})
            else:
                reopen_quarter(self.plan, request.user, period.year, period.quarter, reason)
                messages.success(request, _("%(period)s已重新开放。") % {"period": period.label})
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(f"{reverse('reports:quarters')}?period={period.code}")


class HistoryView(PlanAccessMixin, PeriodMixin, TemplateView):
    """Every change to one region's figures in one quarter, every step of its
    report for that quarter (填报, 上报, 退回, 审核, 代填), and every change
    to its targets. A township official sees their own region's; the county's
    (county-only indicators) is for those who see the whole county."""

    template_name = "reports/history.html"

    @cached_property
    def region(self) -> Region | None:
        """The region whose history this is; None for the county's own."""
        code = self.kwargs.get("region")
        if code is None:
            if not self.whole_county:
                raise Http404(_("没有找到该页面。"))
            return None
        return self.get_region_or_404(code)

    @cached_property
    def default_period(self) -> Period:
        """The latest quarter with figures of this page's region (or of the
        county-only indicators), never of the whole plan: a township official
        must not learn from the default that other townships have reported."""
        figures = Figure.objects.in_plan(self.plan).filter(region=self.region)
        latest = figures.order_by("-year", "-quarter").values_list("year", "quarter")[:1]
        return default_period(latest, self.plan.years)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.region
        region_id = region.pk if region else None
        name = region.name if region else self.plan.county_name
        period = self.period
        context.update(
            self.period_context(),
            region=region,
            subject_name=name,
            figure_table=ChangeTable.build(
                figure_history(self.plan, region_id, period.year, period.quarter),
                empty_text=_("本季度没有修改记录。"),
            ),
            target_table=ChangeTable.build(
                target_history(self.plan, region_id), empty_text=_("目标没有修改记录。")
            ),
            event_table=EventTable.build(
                submission_events(self.plan, region_id, period.year, period.quarter),
                empty_text=_("本季度没有填报、上报或审核记录。"),
            )
            if region
            else None,
        )
        return context
