from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ClosedQuarter, Figure, QuarterEvent


@admin.register(Figure)
class FigureAdmin(SimpleHistoryAdmin):
    list_display = ["year", "quarter", "indicator", "region", "value", "entered_by", "entered_at"]
    list_filter = ["year", "quarter", "indicator", "region"]
    search_fields = ["indicator__name", "region__name", "note"]
    list_select_related = ["indicator", "region", "entered_by"]
    autocomplete_fields = ["indicator", "region"]
    readonly_fields = ["entered_by", "entered_at", "version"]


@admin.register(ClosedQuarter)
class ClosedQuarterAdmin(admin.ModelAdmin):
    list_display = ["plan", "year", "quarter", "closed_by", "closed_at"]
    list_filter = ["plan", "year"]
    search_fields = ["plan__name"]


@admin.register(QuarterEvent)
class QuarterEventAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "year", "quarter", "action", "user", "reason"]
    list_filter = ["action", "year", "quarter"]
    search_fields = ["reason", "user__username"]
