"""Writes for the plan: import a plan workbook; its counterpart, the export.

``import_plan`` is all or nothing: it parses the whole workbook first (nothing is
written if any cell is wrong), then creates the plan, its regions, indicators and
targets in one transaction.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import BinaryIO

from django.db import IntegrityError, router, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from regions.models import Region
from targets.excel.cells import PlanWorkbookError
from targets.excel.format import (
    DepartmentSpec,
    GoalSpec,
    IndicatorSpec,
    MeasureSpec,
    PlanSpec,
    RegionSpec,
    TargetSpec,
    WorkItemSpec,
)
from targets.excel.reading import read_plan_workbook
from targets.excel.writing import write_plan_workbook
from targets.ledger_services import ledger_as_spec, save_ledger
from targets.models import (
    DataVersion,
    Department,
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
from targets.versioning import bump_data_version

# What a plan consists of; anything else hanging off it (reported figures, closed
# quarters, township officials' memberships…) is work that --replace must not delete.
PLAN_MODELS = (
    Plan,
    DataVersion,
    Region,
    Indicator,
    Target,
    Goal,
    Department,
    Measure,
    MeasureDepartment,
    WorkItem,
    Industry,
    LedgerFlag,
    LedgerSource,
    LedgerSource.flags.through,
    EvaluationCriterion,
    EvaluationThresholds,
)


class PlanConflictError(PlanWorkbookError):
    """The workbook is sound, but the database already holds a plan of that name."""


class PlanNameTakenError(PlanConflictError):
    """A plan of that name exists and replacing it was not asked for: asking
    for it (``replace=True``) may help."""


class PlanInUseError(PlanConflictError):
    """Replacing was asked for and refused: figures or other work hang off the
    plan. Asking again will not help; the plan is changed in the admin."""


def import_plan(
    source: str | Path | BinaryIO, *, replace: bool = False, activate: bool = False
) -> Plan:
    """Create the plan a workbook describes; raise PlanWorkbookError, writing nothing,
    if the workbook is wrong or a plan of the same name exists (unless ``replace``).

    The new plan becomes the active one when ``activate``, when it replaces the
    active plan, or when no plan is active yet.
    """
    data = read_plan_workbook(source)
    try:
        return save_plan(data, replace=replace, activate=activate)
    except IntegrityError as exc:  # the parser should have caught it; say so plainly
        raise PlanWorkbookError([_("数据库拒绝写入:%(error)s") % {"error": exc}]) from exc


@transaction.atomic
def save_plan(data: PlanSpec, *, replace: bool = False, activate: bool = False) -> Plan:
    same_name = list(Plan.objects.select_for_update().filter(name=data.name))
    if same_name and not replace:
        message = _(
            "数据库中已有同名计划“%(name)s”(编号 %(ids)s);如要用此工作簿替换它,请选择替换。"
        )
        ids = "、".join(str(p.pk) for p in same_name)
        raise PlanNameTakenError([message % {"name": data.name, "ids": ids}])
    was_active = any(p.is_active for p in same_name)
    for old in same_name:
        if blockers := _work_hanging_off(old):
            message = _(
                "计划“%(name)s”(编号 %(id)d)已有%(what)s,替换会把它们一并删除,已拒绝。"
                "请在管理后台逐项修改该计划。"
            )
            raise PlanInUseError([message % {"name": old.name, "id": old.pk, "what": blockers}])
        old.delete()
    if activate:
        Plan.objects.filter(is_active=True).update(is_active=False)
    plan = Plan.objects.create(
        name=data.name,
        document_number=data.document_number,
        county_name=data.county_name,
        region_term=data.region_term,
        bureau_name=data.bureau_name,
        first_year=data.first_year,
        last_year=data.last_year,
        is_active=activate or was_active or not Plan.objects.filter(is_active=True).exists(),
    )
    Region.objects.bulk_create(
        Region(plan=plan, code=r.code, name=r.name, order=r.order) for r in data.regions
    )
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            code=i.code,
            name=i.name,
            alt_name=i.alt_name,
            unit=i.unit,
            decimal_places=i.decimal_places,
            by_region=i.by_region,
            order=i.order,
            pacing=i.pacing,
        )
        for i in data.indicators
    )
    regions = {r.code: r for r in plan.regions.all()}
    indicators = {i.code: i for i in plan.indicators.all()}
    targets = [
        Target(
            indicator=indicators[t.indicator_code],
            region=regions[t.region_code] if t.region_code else None,
            year=t.year,
            value=t.value,
            stretch_value=t.stretch_value,
        )
        for t in data.targets
    ]
    bulk_create_with_history(targets, Target, default_change_reason=_("导入计划工作簿"))
    Goal.objects.bulk_create(
        Goal(
            plan=plan,
            code=g.code,
            order=g.order,
            section=g.section,
            text=g.text,
            kind=g.kind,
            value=g.value,
            stretch_value=g.stretch_value,
            indicator=indicators[g.indicator_code] if g.indicator_code else None,
            base_value=g.base_value,
            unit=g.unit,
            decimal_places=g.decimal_places,
        )
        for g in data.goals
    )
    save_measures(plan, data)
    save_ledger(plan, data)
    # A new plan (its own version); bumped again after the bulk writes above.
    bump_data_version(plan.pk)
    return plan


def save_measures(plan: Plan, data: PlanSpec) -> None:
    """The plan's departments, measures (with their departments, lead first) and
    work items, as the workbook gives them."""
    reason = _("导入计划工作簿")
    Department.objects.bulk_create(
        Department(plan=plan, code=d.code, name=d.name, aliases="、".join(d.aliases), order=d.order)
        for d in data.departments
    )
    departments = {d.code: d for d in plan.departments.all()}
    bulk_create_with_history(
        [
            Measure(
                plan=plan,
                section=m.section,
                number=m.number,
                title=m.title,
                text=m.text,
                involves_regions=m.involves_regions,
                order=m.order,
            )
            for m in data.measures
        ],
        Measure,
        default_change_reason=reason,
    )
    by_key = {(m.section, m.number): m for m in plan.measures.all()}
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(
            measure=by_key[(m.section, m.number)], department=departments[code], position=n
        )
        for m in data.measures
        for n, code in enumerate(m.departments, start=1)
    )
    items = [
        WorkItem(
            measure=by_key[(w.section, w.number)],
            year=w.year,
            title=w.title,
            due_date=w.due_date,
            done_on=w.done_on,
            order=n,
        )
        for n, w in enumerate(data.work_items, start=1)
    ]
    bulk_create_with_history(items, WorkItem, default_change_reason=reason)


def _work_hanging_off(plan: Plan) -> str:
    """What deleting ``plan`` would delete beyond the plan itself, e.g. "季度数据 12 条"."""
    # Django's own deletion collector, so a model added later is counted too.
    collector = Collector(using=router.db_for_write(Plan), origin=plan)
    collector.collect([plan])
    counts: Counter[str] = Counter()
    for model, instances in collector.data.items():
        if model not in PLAN_MODELS:
            counts[str(model._meta.verbose_name)] += len(instances)
    for queryset in collector.fast_deletes:
        if queryset.model not in PLAN_MODELS and (count := queryset.count()):
            counts[str(queryset.model._meta.verbose_name)] += count
    return "、".join(
        _("%(what)s %(count)d 条") % {"what": w, "count": n} for w, n in counts.items()
    )


def plan_as_spec(plan: Plan) -> PlanSpec:
    """The plan as the plain data the workbook and the consistency check work on."""
    rows = Target.objects.filter(indicator__plan=plan).values_list(
        "indicator__code", "region__code", "year", "value", "stretch_value"
    )
    return PlanSpec(
        name=plan.name,
        first_year=plan.first_year,
        last_year=plan.last_year,
        document_number=plan.document_number,
        county_name=plan.county_name,
        region_term=plan.region_term,
        bureau_name=plan.bureau_name,
        indicators=tuple(
            IndicatorSpec(
                code=i.code,
                name=i.name,
                alt_name=i.alt_name,
                unit=i.unit,
                decimal_places=i.decimal_places,
                by_region=i.by_region,
                order=i.order,
                pacing=i.pacing,
            )
            for i in plan.indicators.order_by("order", "pk")
        ),
        regions=tuple(
            RegionSpec(code=r.code, name=r.name, order=r.order)
            for r in plan.regions.order_by("order", "pk")
        ),
        targets=tuple(TargetSpec(*row) for row in rows.order_by("pk")),
        goals=tuple(
            GoalSpec(
                code=g.code,
                text=g.text,
                kind=g.kind,
                value=g.value,
                stretch_value=g.stretch_value,
                indicator_code=g.indicator.code if g.indicator_id else None,
                base_value=g.base_value,
                unit=g.unit,
                decimal_places=g.decimal_places,
                section=g.section,
                order=g.order,
            )
            for g in plan.goals.select_related("indicator").order_by("order", "pk")
        ),
        **measures_as_spec(plan),
        **ledger_as_spec(plan),
    )


def measures_as_spec(plan: Plan) -> dict[str, tuple]:
    measures = plan.measures.order_by("order", "pk").prefetch_related("roles__department")
    items = WorkItem.objects.filter(measure__plan=plan).select_related("measure")
    return {
        "departments": tuple(
            DepartmentSpec(code=d.code, name=d.name, aliases=tuple(d.alias_list), order=d.order)
            for d in plan.departments.order_by("order", "pk")
        ),
        "measures": tuple(
            MeasureSpec(
                section=m.section,
                number=m.number,
                title=m.title,
                text=m.text,
                departments=tuple(r.department.code for r in m._ranked()),
                involves_regions=m.involves_regions,
                order=m.order,
            )
            for m in measures
        ),
        "work_items": tuple(
            WorkItemSpec(
                section=w.measure.section,
                number=w.measure.number,
                year=w.year,
                title=w.title,
                due_date=w.due_date,
                done_on=w.done_on,
            )
            for w in items.order_by("measure__order", "year", "due_date", "order", "pk")
        ),
    }


def export_plan(plan: Plan, destination: str | Path | BinaryIO) -> None:
    """Write ``plan`` as a workbook that ``import_plan`` reads back unchanged."""
    write_plan_workbook(plan_as_spec(plan), destination)
