from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from reports.choices import Source
from reports.figures.changes import FigureChange
from reports.figures.quarters import closed_periods
from reports.figures.services import record_figures, validate_changes
from reports.models import ClosedQuarter, Figure, MeasureReport, QuarterEvent


class FigureAdminForm(forms.ModelForm):
    """Checks a figure the way record_figures will, so the admin shows the
    reason beside the form instead of failing on save."""

    class Meta:
        model = Figure
        fields = ["indicator", "region", "year", "quarter", "value", "note"]

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator")
        if indicator is None or self.errors:
            return cleaned
        region = cleaned.get("region")
        change = FigureChange(
            indicator.pk,
            region.pk if region else None,
            cleaned["year"],
            cleaned["quarter"],
            cleaned["value"],
        )
        problems = validate_changes(indicator.plan, [change])
        original = self.instance if self.instance.pk else None
        periods = {(change.year, change.quarter)}
        if original is not None:
            periods.add((original.year, original.quarter))
        closed = periods & closed_periods(indicator.plan)
        problems += [
            _("%(year)s年第%(quarter)s季度已关闭。") % {"year": y, "quarter": q} for y, q in closed
        ]
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


@admin.register(Figure)
class FigureAdmin(SimpleHistoryAdmin):
    """Corrections in the admin go through record_figures like every other
    path: closed quarters stay closed, history records the admin as source."""

    list_display = ["year", "quarter", "indicator", "region", "value", "entered_by", "entered_at"]
    list_filter = ["year", "quarter", "indicator", "region"]
    search_fields = ["indicator__name", "region__name", "note"]
    list_select_related = ["indicator", "region", "entered_by"]
    autocomplete_fields = ["indicator", "region"]
    readonly_fields = ["entered_by", "entered_at", "version"]
    form = FigureAdminForm
    actions = None  # no bulk delete that would bypass record_figures

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._closed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._closed(obj)

    @staticmethod
    def _closed(obj) -> bool:
        return obj is not None and (obj.year, obj.quarter) in closed_periods(obj.indicator.plan)

    def save_model(self, request, obj, form, change):
        # The admin saves and deletes in one transaction: all of this or nothing.
        if change:
            # None when reverting (simple-history) a figure since deleted.
            old = Figure.objects.filter(pk=obj.pk).first()
            if old is not None and _cell(old) != _cell(obj):
                # Moved to another cell: the old cell is cleared, on record.
                _record(request, old, None, None)
        _record(request, obj, obj.value, obj.note)
        saved = Figure.objects.filter(
            indicator_id=obj.indicator_id,
            region_id=obj.region_id,
            year=obj.year,
            quarter=obj.quarter,
        ).first()
        if saved is not None:
            obj.pk = saved.pk  # the admin's "saved" message links to it

    def delete_model(self, request, obj):
        _record(request, obj, None, None)


def _record(request, figure: Figure, value, note) -> None:
    change = FigureChange(*_cell(figure), value, note=note)
    record_figures(figure.indicator.plan, request.user, [change], source=Source.ADMIN)


def _cell(figure: Figure) -> tuple:
    return (figure.indicator_id, figure.region_id, figure.year, figure.quarter)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to read, never to edit by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClosedQuarter)
class ClosedQuarterAdmin(ReadOnlyAdmin):
    """Quarters are closed and reopened (with a reason) on the quarters page,
    so that both are recorded."""

    list_display = ["plan", "year", "quarter", "closed_by", "closed_at"]
    list_filter = ["plan", "year"]
    search_fields = ["plan__name"]


@admin.register(QuarterEvent)
class QuarterEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "plan", "year", "quarter", "action", "user", "reason"]
    list_filter = ["action", "year", "quarter"]
    search_fields = ["reason", "user__username"]


@admin.register(MeasureReport)
class MeasureReportAdmin(ReadOnlyAdmin):
    """Departments report on the measures page (``record_measure_report``), which
    checks the department, the quarter and the attachments and keeps history."""

    list_display = ["measure", "department", "year", "quarter", "status", "reported_by"]
    list_filter = ["status", "year", "quarter", "department"]
    search_fields = ["measure__title", "department__name", "done", "next_steps"]
    list_select_related = ["measure", "department", "reported_by"]


from reports import ledger_admin  # noqa: E402, F401  (the ledger, read-only)
