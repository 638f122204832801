"""Management commands of the plan: import_plan, export_plan, check_plan."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from targets.models import Plan


def plan_from_option(plan_id: int | None) -> Plan:
    """The plan a ``--plan ID`` option names, or the current plan without one."""
    if plan_id is None:
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError(_("数据库中还没有计划;请先用 import_plan 导入。"))
        return plan
    try:
        return Plan.objects.get(pk=plan_id)
    except Plan.DoesNotExist:
        raise CommandError(_("没有编号为 %(id)d 的计划。") % {"id": plan_id}) from None
