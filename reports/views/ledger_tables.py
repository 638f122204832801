"""django-tables2 tables of the ledger: incubators and enterprises, paged on
the page and whole in the exports (``reports.excel.tables.export_response``);
a record's history and the bureau's duplicate decisions. Names link to the
record on the page; exports hold the plain text."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.choices import IncubatorLevel
from targets.formatting import format_value
from targets.tables import BaseTable, DateColumn, DateTimeColumn

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def level_label(level: int | None) -> str:
    return str(IncubatorLevel(level).label) if level else _("未认定")


class LevelColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value):
        return level_label(value)

    def value(self, value):
        return level_label(value)


class IncubatorTable(BaseTable):
    region = tables.Column(accessor="region__name", verbose_name=gettext_lazy("区域"))
    name = tables.Column(verbose_name=gettext_lazy("载体名称"))
    operator = tables.Column(verbose_name=gettext_lazy("运营机构"))
    kind = tables.Column(accessor="get_kind_display", verbose_name=gettext_lazy("载体类型"))
    level = LevelColumn(verbose_name=gettext_lazy("最高认定级别"))
    industries = tables.Column(
        accessor="lead_industry", verbose_name=gettext_lazy("主导产业"), empty_values=()
    )
    floor_area = tables.Column(verbose_name=gettext_lazy("面积(万平方米)"), attrs=NUM)
    status = tables.Column(accessor="get_status_display", verbose_name=gettext_lazy("状态"))
    status_since = DateColumn(verbose_name=gettext_lazy("状态起始日期"), format="Y-m-d")
    enterprise_count = tables.Column(verbose_name=gettext_lazy("在孵企业"), attrs=NUM)

    def render_name(self, value, record):
        url = reverse("reports:ledger_incubator", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def _industries(self, record) -> str:
        names = [i.name for i in (record.lead_industry, record.second_industry) if i is not None]
        return "、".join(names) or "—"

    def render_industries(self, record):
        return self._industries(record)

    def value_industries(self, record):
        return self._industries(record)

    def render_floor_area(self, value):
        return format_value(value, 2)

    def value_floor_area(self, value):
        return value


class EnterpriseTable(BaseTable):
    name = tables.Column(verbose_name=gettext_lazy("企业名称"))
    credit_code = tables.Column(verbose_name=gettext_lazy("统一社会信用代码"), empty_values=())
    markers = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("提示"), empty_values=(), exclude_from_export=False
    )
    region = tables.Column(accessor="incubator__region__name", verbose_name=gettext_lazy("区域"))
    incubator = tables.Column(accessor="incubator__name", verbose_name=gettext_lazy("所在载体"))
    level = LevelColumn(verbose_name=gettext_lazy("载体最高认定级别"))
    industry = tables.Column(accessor="industry__name", verbose_name=gettext_lazy("所属产业"))
    stage = tables.Column(accessor="get_stage_display", verbose_name=gettext_lazy("阶段"))
    entered_on = DateColumn(verbose_name=gettext_lazy("入孵日期"), format="Y-m-d")
    left_on = DateColumn(verbose_name=gettext_lazy("毕业或退出日期"), format="Y-m-d")
    exit_reason = tables.Column(
        accessor="get_exit_reason_display", verbose_name=gettext_lazy("毕业或退出原因")
    )

    def __init__(self, *args, suspects: set[int], may_edit: bool, **kwargs):
        self.suspects = suspects
        self.may_edit = may_edit
        super().__init__(*args, **kwargs)

    def markers_of(self, record) -> list[str]:
        words = []
        if not record.credit_code:
            words.append(_("无信用代码"))
        if record.pk in self.suspects:
            words.append(_("疑似重复"))
        return words

    def render_name(self, value, record):
        if not self.may_edit:
            return value
        url = reverse("reports:ledger_enterprise_edit", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_credit_code(self, value):
        return value or "—"

    def value_credit_code(self, value):
        return value

    def render_markers(self, record):
        return format_html_join(
            " ",
            '<span class="badge text-bg-warning">{}</span>',
            ((word,) for word in self.markers_of(record)),
        )

    def value_markers(self, record):
        return "、".join(self.markers_of(record))


class RecordHistoryTable(BaseTable):
    """A ledger record's history (``reports.ledger.record_history``), newest first."""

    when = DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    who = tables.Column(verbose_name=gettext_lazy("修改人"))
    kind = tables.Column(verbose_name=gettext_lazy("操作"))
    changes = tables.Column(verbose_name=gettext_lazy("修改内容"), empty_values=())

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm align-middle"}
        empty_text = gettext_lazy("暂无修改记录。")

    def render_changes(self, record):
        lines = format_html_join(
            "",
            "<div>{}:{} → {}</div>",
            ((change.field, change.old, change.new) for change in record.changes),
        )
        if record.reason:
            lines += format_html('<div class="text-muted">{}</div>', record.reason)
        return lines


class DuplicateDecisionTable(BaseTable):
    """The bureau's latest decisions on suspect duplicates."""

    decided_at = DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    decided_by = tables.Column(
        accessor="decided_by__username", verbose_name=gettext_lazy("处理人"), default="—"
    )
    kind = tables.Column(accessor="get_kind_display", verbose_name=gettext_lazy("处理结果"))
    records = tables.Column(accessor="pk", verbose_name=gettext_lazy("记录"), empty_values=())
    reason = tables.Column(verbose_name=gettext_lazy("理由"))

    class Meta(BaseTable.Meta):
        attrs = {"class": "table table-sm align-middle"}
        empty_text = gettext_lazy("暂无。")

    def render_records(self, record):
        return format_html("{}<br>{}", record.first_label, record.second_label)
