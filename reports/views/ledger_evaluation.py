"""绩效评估: the year's score of every operating incubator, its rank in its
kind, the candidates the plan's thresholds make, and the bureau's decisions
(staff record them with a reason; everyone else reads)."""

from __future__ import annotations

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from regions.roles import ENTER_FIGURES
from reports.choices import EvaluationDecisionKind, IncubatorStatus
from reports.excel.tables import EXPORT_FORMATS, export_response
from reports.ledger.evaluation import (
    REASON_MAX_LENGTH,
    Evaluation,
    load_evaluation,
    record_decision,
)
from reports.ledger.scoring import Because, Candidacy
from targets.access import PlanAccessMixin
from targets.choices import IncubatorKind
from targets.parsing import ascii_whole
from targets.tables import BaseTable, ValueColumn

PER_PAGE = 100
BECAUSE = {
    Because.BELOW_DELIST: gettext_lazy("得分低于摘牌分数线"),
    Because.STILL_BELOW_AFTER_RECTIFYING: gettext_lazy("限期整改中,得分仍低于整改分数线"),
    Because.BELOW_RECTIFY: gettext_lazy("得分低于限期整改分数线"),
    Because.TOP_OF_KIND: gettext_lazy("同类载体中得分靠前"),
}


def candidacy_text(candidacy: Candidacy | None, because: Because | None) -> str:
    if candidacy is None:
        return ""
    label = EvaluationDecisionKind(candidacy.value).label
    return f"{label}({BECAUSE[because]})"


class EvaluationTable(BaseTable):
    kind = tables.Column(verbose_name=gettext_lazy("载体类型"))
    rank = tables.Column(verbose_name=gettext_lazy("同类排名"), default="—")
    name = tables.Column(verbose_name=gettext_lazy("载体名称"))
    region = tables.Column(verbose_name=gettext_lazy("区域"))
    status = tables.Column(verbose_name=gettext_lazy("状态"))
    total = ValueColumn(verbose_name=gettext_lazy("总分"), decimal_places=2)
    candidacy = tables.Column(verbose_name=gettext_lazy("候选"), default="")
    decision = tables.Column(verbose_name=gettext_lazy("评估决定"), default="")

    @classmethod
    def build(cls, evaluation: Evaluation) -> EvaluationTable:
        criteria = evaluation.criteria
        data = []
        rows = sorted(
            evaluation.rows,
            key=lambda r: (
                list(IncubatorKind.values).index(r.incubator.kind),
                r.result.rank is None,
                r.result.rank or 0,
                r.incubator.name,
            ),
        )
        for row in rows:
            incubator, result = row.incubator, row.result
            record = {
                "kind": incubator.get_kind_display(),
                "rank": result.rank,
                "name": incubator.name,
                "region": incubator.region.name,
                "status": incubator.get_status_display(),
                "total": row.total if result.reported else None,
                "candidacy": candidacy_text(result.candidacy, result.because)
                if result.reported
                else _("未报运营数据"),
                "decision": _decision_text(row.decision),
            }
            for c in criteria:
                record[f"c_{c.code}"] = result.scores[c.code] if result.reported else None
            data.append(record)
        extra = [
            (
                f"c_{c.code}",
                ValueColumn(verbose_name=f"{c.name}({c.weight.normalize():f})", decimal_places=1),
            )
            for c in criteria
        ]
        sequence = ("kind", "rank", "name", "region", "status", *(n for n, _c in extra), "...")
        return cls(data, extra_columns=extra, sequence=sequence)


def _decision_text(decision) -> str:
    if decision is None:
        return ""
    return _("%(decision)s:%(reason)s") % {
        "decision": decision.get_decision_display(),
        "reason": decision.reason,
    }


def _choice_label(row) -> str:
    where = [row.incubator.region.name]
    if row.result.candidacy:
        where.append(candidacy_text(row.result.candidacy, row.result.because))
    return f"{row.incubator.name}({','.join(where)})"


class DecisionForm(forms.Form):
    incubator = forms.TypedChoiceField(label=gettext_lazy("载体"), coerce=int)
    decision = forms.ChoiceField(label=gettext_lazy("决定"), choices=EvaluationDecisionKind.choices)
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        # Candidates first: they are what the bureau has to decide on.
        rows = sorted(evaluation.rows, key=lambda r: r.result.candidacy is None)
        self.fields["incubator"].choices = [
            (
                r.incubator.pk,
                f"{r.incubator.name}({r.incubator.region.name}"
                + (
                    f",{candidacy_text(r.result.candidacy, r.result.because)}"
                    if r.result.candidacy
                    else ""
                )
                + ")",
            )
            for r in rows
            if r.result.reported
        ]


class EvaluationView(PlanAccessMixin, TemplateView):
    template_name = "reports/ledger/evaluation.html"

    @cached_property
    def year(self) -> int:
        """``?year=`` within the plan's years; by default the current year
        (the plan's last once it has ended, its first before it begins)."""
        plan = self.plan
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        asked = source.get("year")
        if asked:
            year = ascii_whole(asked, plan.first_year, plan.last_year)
            if year is None:
                raise Http404(_("评估年度不在计划期内。"))
            return year
        return min(max(timezone.localdate().year, plan.first_year), plan.last_year)

    @cached_property
    def evaluation(self) -> Evaluation:
        return load_evaluation(self.plan, self.year, self.regions)

    @property
    def may_decide(self) -> bool:
        return self.request.user.has_perm(ENTER_FIGURES)

    def paginated(self, table: EvaluationTable) -> EvaluationTable:
        """A county of a thousand incubators reads them a page at a time (the
        export holds them all)."""
        RequestConfig(self.request, paginate={"per_page": PER_PAGE}).configure(table)
        return table

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        if export_format not in EXPORT_FORMATS:
            raise Http404(_("不支持的导出格式。"))
        filename = _("孵化载体绩效评估_%(year)s") % {"year": self.year}
        return export_response(EvaluationTable.build(self.evaluation), export_format, filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = self.evaluation
        context.update(
            year=self.year,
            years=range(self.plan.first_year, self.plan.last_year + 1),
            evaluation=evaluation,
            table=self.paginated(EvaluationTable.build(evaluation)),
            candidates={
                kind: sum(1 for r in evaluation.rows if r.result.candidacy == kind)
                for kind in Candidacy
            },
            not_reported=sum(1 for r in evaluation.rows if not r.result.reported),
            form=kwargs.get("form")
            or (DecisionForm(evaluation=evaluation) if self.may_decide else None),
            rectifying=IncubatorStatus.RECTIFYING,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_decide:
            # The page is for everyone in scope; deciding is for staff only.
            raise PermissionDenied(_("您的账号没有此操作的权限。"))
        if not request.POST.get("year"):
            # The page's form always posts its year: without one (a tampered or
            # broken form) the decision would land in the default year.
            messages.error(request, _("提交的年度无效,未记录任何决定。"))
            return self.render_to_response(self.get_context_data(), status=400)
        form = DecisionForm(request.POST, evaluation=self.evaluation)
        if not form.is_valid():
            messages.error(request, _("请选择载体和决定,并填写理由。"))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            record = record_decision(
                self.plan,
                request.user,
                data["incubator"],
                self.year,
                data["decision"],
                data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("已记录%(incubator)s %(year)s年度的评估决定:%(decision)s。")
            % {
                "incubator": record.incubator.name,
                "year": self.year,
                "decision": record.get_decision_display(),
            },
        )
        return redirect(f"{reverse('reports:ledger_evaluation')}?year={self.year}")
