"""The ledger in the Django admin: to read, search and look back through each
record's history, never to edit — every write goes through
``reports.ledger.services`` (scope, checks, one record per credit code) on the
ledger pages. Imported by ``reports.admin``."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    DuplicateDecision,
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Read, with the history (simple-history's page; no revert without change)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incubator)
class IncubatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "region", "kind", "status", "floor_area", "updated_by", "updated_at"]
    list_filter = ["region", "kind", "status"]
    search_fields = ["name", "operator", "region__name"]
    list_select_related = ["region", "updated_by"]


@admin.register(IncubatorRecognition)
class IncubatorRecognitionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["incubator", "level", "recognised_on"]
    list_filter = ["level", "incubator__region"]
    search_fields = ["incubator__name", "incubator__region__name"]
    list_select_related = ["incubator"]


@admin.register(IncubatorFlagGrant)
class IncubatorFlagGrantAdmin(ReadOnlyHistoryAdmin):
    list_display = ["incubator", "flag", "granted_on"]
    list_filter = ["flag", "incubator__region"]
    search_fields = ["incubator__name", "incubator__region__name", "flag__name"]
    list_select_related = ["incubator", "flag"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "credit_code", "incubator", "stage", "entered_on", "left_on"]
    list_filter = ["stage", "incubator__region", "exit_reason"]
    search_fields = ["name", "credit_code", "incubator__name", "incubator__region__name"]
    list_select_related = ["incubator"]


@admin.register(EnterpriseFlagGrant)
class EnterpriseFlagGrantAdmin(ReadOnlyHistoryAdmin):
    list_display = ["enterprise", "flag", "granted_on"]
    list_filter = ["flag"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "flag__name"]
    list_select_related = ["enterprise", "flag"]


@admin.register(IncubatorQuarter)
class IncubatorQuarterAdmin(ReadOnlyHistoryAdmin):
    list_display = ["incubator", "year", "quarter", "occupancy_rate", "revenue", "entered_by"]
    list_filter = ["year", "quarter", "incubator__region"]
    search_fields = ["incubator__name", "incubator__region__name"]
    list_select_related = ["incubator", "entered_by"]


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["decided_at", "kind", "first_label", "second_label", "reason", "decided_by"]
    list_filter = ["kind"]
    search_fields = ["first_label", "second_label", "reason"]
    list_select_related = ["decided_by"]
