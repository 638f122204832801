from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from regions.admin import AccountAdmin
from regions.roles import Role
from targets.models import (
    Department,
    DepartmentMembership,
    EvaluationCriterion,
    EvaluationThresholds,
    Goal,
    Indicator,
    Industry,
    LedgerFlag,
    LedgerSource,
    Measure,
    MeasureDepartment,
    Plan,
    Target,
    WorkItem,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "alt_name",
        "unit",
        "decimal_places",
        "by_region",
        "pacing",
    ]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "document_number", "first_year", "last_year", "is_active", "is_demo"]
    list_filter = ["is_active", "is_demo"]
    search_fields = ["name", "document_number"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "name",
        "alt_name",
        "unit",
        "decimal_places",
        "by_region",
        "pacing",
        "plan",
    ]
    list_display_links = ["name"]
    list_filter = ["plan", "by_region", "pacing"]
    search_fields = ["name", "alt_name", "code"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "region", "year", "value", "stretch_value"]
    list_filter = ["indicator__plan", "indicator", "region", "year"]
    search_fields = ["indicator__name", "region__name"]
    list_select_related = ["indicator", "region"]
    autocomplete_fields = ["indicator", "region"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["order", "text", "kind", "value", "stretch_value", "indicator", "plan"]
    list_display_links = ["text"]
    list_filter = ["plan", "kind"]
    search_fields = ["text", "code"]
    list_select_related = ["indicator", "plan"]


class DepartmentMemberInline(admin.TabularInline):
    """The department's liaisons (部门联络员), bound on its page."""

    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = _("部门联络员")
    verbose_name_plural = _("部门联络员")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "aliases", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "aliases", "code"]
    inlines = [DepartmentMemberInline]


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department__plan", "department"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user", "department"]


# --- Accounts: a liaison's department on the user's own page ----------------------------


class AccountDepartmentInline(admin.StackedInline):
    """The department of a liaison, edited on the user's page beside the region
    of a township official, so that creating a liaison is one form."""

    model = DepartmentMembership
    fk_name = "user"
    max_num = 1
    extra = 0
    autocomplete_fields = ["department"]
    verbose_name = _("所属部门(仅部门联络员)")
    verbose_name_plural = _("所属部门(仅部门联络员)")


class AccountWithDepartmentAdmin(AccountAdmin):
    inlines = [*AccountAdmin.inlines, AccountDepartmentInline]

    def save_related(self, request, form, formsets, change):
        """Warn (not refuse) about a liaison left without a department: they
        would see nothing to report on until one is set."""
        super().save_related(request, form, formsets, change)
        self.warn_if_unbound(
            request,
            form.instance,
            Role.DEPARTMENT,
            DepartmentMembership,
            gettext("%(user)s 属于部门联络员组,但尚未绑定部门:登录后没有可报送的任务。"),
        )


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountWithDepartmentAdmin)


class MeasureDepartmentInline(admin.TabularInline):
    model = MeasureDepartment
    extra = 0
    fields = ["position", "department"]


class WorkItemInline(admin.TabularInline):
    model = WorkItem
    extra = 0
    fields = ["year", "title", "due_date", "done_on"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["order", "section", "number", "title", "involves_regions", "plan"]
    list_display_links = ["title"]
    list_filter = ["plan", "section", "involves_regions"]
    search_fields = ["title", "text"]
    inlines = [MeasureDepartmentInline, WorkItemInline]


@admin.register(WorkItem)
class WorkItemAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "year", "title", "due_date", "done_on"]
    list_filter = ["measure__plan", "year"]
    search_fields = ["title", "measure__title"]
    list_select_related = ["measure"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "code"]


@admin.register(LedgerFlag)
class LedgerFlagAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "applies_to", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan", "applies_to"]
    search_fields = ["name", "code"]


@admin.register(LedgerSource)
class LedgerSourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rule", "min_level", "kind", "derived", "plan"]
    list_filter = ["plan", "rule", "derived"]
    filter_horizontal = ["flags"]
    list_select_related = ["indicator", "goal", "plan"]


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "metric", "weight", "full_marks_at", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]


@admin.register(EvaluationThresholds)
class EvaluationThresholdsAdmin(admin.ModelAdmin):
    list_display = ["plan", "recommend_min_score", "recommend_top", "rectify_below", "delist_below"]
