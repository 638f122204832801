"""The incubators' quarterly operating data: the entry grid of one region and
quarter (staff choose the region; a township official has their own, which no
parameter changes — another region's code is a 404).

The grid is ``reports.ledger.entry``; the write ``record_operating_data``,
under the same rules as the figures (it calls their checks). The township's
上报 is the figures entry page's: the operating data are part of the quarter
it hands in.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from regions.models import Region
from reports.choices import Source
from reports.figures.changes import FigureError
from reports.figures.deadlines import quarter_begun
from reports.figures.quarters import is_closed
from reports.ledger.entry import OperatingForm, OperatingGrid
from reports.ledger.operating import OperatingConflictError, record_operating_data
from reports.views.mixins import EntryAccessMixin


class LedgerRegionMixin(EntryAccessMixin):
    """The region a ledger entry page works on: ``?region=<code>`` (or a
    posted ``region``) for staff, defaulting to the plan's first region; a
    township official's own region, any other code being a 404."""

    @cached_property
    def region(self) -> Region:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        code = source.get("region", "")
        if self.entry_region is not None:
            if code and code != self.entry_region.code:
                raise Http404(_("没有找到该区域。"))
            return self.entry_region
        if code:
            return self.get_region_or_404(code)
        first = self.regions.order_by("order", "pk").first()
        if first is None:
            raise Http404(_("没有找到该区域。"))
        return first

    def region_context(self) -> dict:
        choices = None
        if self.entry_region is None:
            choices = list(self.regions.order_by("order", "pk").values_list("code", "name"))
        return {"region": self.region, "region_choices": choices}


class OperatingEntryView(LedgerRegionMixin, TemplateView):
    """``?region=kunyang&period=2026Q3``: the region's operating incubators ×
    the metrics, saved all or nothing; read-only in a closed quarter, and for
    the township once it has handed the quarter in."""

    template_name = "reports/ledger_entry.html"

    @cached_property
    def grid(self) -> OperatingGrid:
        return OperatingGrid.load(self.region, self.period)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or OperatingForm(grid=self.grid)
        closed = is_closed(self.plan, self.period)
        township = self.entry_region is not None
        handed_in = township and not self.grid.editable_by_township
        not_begun = not quarter_begun(self.period)
        context.update(
            **self.period_context(),
            **self.region_context(),
            form=form,
            grid=self.grid,
            rows=form.bound_rows(),
            closed=closed,
            not_begun=not_begun,
            locked=closed or handed_in or not_begun,
            township=township,
        )
        return context

    def post(self, request, *args, **kwargs):
        if refusal := self.refuse_bad_posted_period():
            return refusal
        form = OperatingForm(request.POST, grid=self.grid)
        if is_closed(self.plan, self.period):
            messages.error(request, _("本季度已关闭,需先重新开放才能修改。"))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if self.entry_region is not None and not self.grid.editable_by_township:
            messages.error(
                request,
                _("本季度数据%(state)s,不能再修改;如需更正,请联系%(bureau)s退回。")
                % {"state": self.grid.state_label, "bureau": self.plan.bureau_name},
            )
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if not form.is_valid():
            messages.error(request, _("有单元格填写有误,未保存任何数据,请按提示修改。"))
            context = self.get_context_data(form=form, problems=form.error_messages())
            return self.render_to_response(context, status=400)
        changes = form.changes()
        if not changes:
            messages.info(request, _("没有修改,未保存。"))
            return redirect(self.success_url())
        try:
            summary = record_operating_data(self.plan, request.user, changes, source=Source.FORM)
        except OperatingConflictError as error:
            return self.render_conflicts(form, error)
        except FigureError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(
            request,
            _("已保存%(region)s %(period)s的载体运营数据:%(summary)s。")
            % {
                "region": self.region.name,
                "period": self.period.label,
                "summary": summary.describe(),
            },
        )
        if self.entry_region is not None:
            messages.info(
                request,
                _("运营数据随本季度数据一起上报;全部填好并核对后,请在数据填报页点击“上报”。"),
            )
        return redirect(self.success_url())

    def render_conflicts(self, form: OperatingForm, error: OperatingConflictError):
        """Nothing saved; what this user typed stays, the hidden versions move
        to the current ones, so saving again is a deliberate overwrite."""
        data = form.data.copy()
        names = {row.incubator.pk: row.incubator.name for row in self.grid.rows}
        conflicts = []
        for conflict in error.conflicts:
            data[f"v{conflict.change.incubator_id}"] = str(conflict.current_version)
            conflicts.append((names.get(conflict.change.incubator_id, ""), conflict.changed_by))
        form = OperatingForm(data, grid=self.grid)
        form.is_valid()
        messages.error(self.request, error.messages[0])
        context = self.get_context_data(form=form, conflicts=conflicts)
        return self.render_to_response(context, status=409)

    def success_url(self) -> str:
        return (
            f"{reverse('reports:ledger_operating')}"
            f"?region={self.region.code}&period={self.period.code}"
        )
