"""``scripts/run`` is the README's first command and people run it every day:
running it again must keep every figure, target, closed quarter and password
that users changed in between."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the project against the scratch database: the edits a bureau
# officer makes in the admin after the first start, then a read-back.
EDIT = """
from decimal import Decimal
from django.contrib.auth import get_user_model
from reports.choices import Source
from reports.models import Figure
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.services import record_figures
from targets.models import Plan, Target

plan = Plan.objects.current()
admin = get_user_model().objects.get(username="admin")
figure = Figure.objects.filter(year=2026, quarter=3, region__isnull=False).order_by("pk").first()
record_figures(
    plan, admin,
    [FigureChange(figure.indicator_id, figure.region_id, 2026, 3, Decimal(777),
                  seen_version=figure.version)],
    source=Source.ADMIN,
)
target = Target.objects.filter(year=2027, region__isnull=False).order_by("pk").first()
target.value = Decimal(55)
target.save()
close_quarter(plan, admin, 2025, 4, reason="已核定", override=True)
admin.set_password("the-admins-own-password-3")
admin.save()
print(json.dumps({"figure": figure.pk, "target": target.pk}))
"""

READ = """
from django.contrib.auth import get_user_model
from reports.models import Figure
from targets.models import Plan, Target

plan = Plan.objects.current()
print(json.dumps({
    "plans": Plan.objects.count(),
    "figure": str(Figure.objects.get(pk=ids["figure"]).value),
    "target": str(Target.objects.get(pk=ids["target"]).value),
    "closed": list(plan.closed_quarters.values_list("year", "quarter")),
    "figures": sorted(map(str, Figure.objects.values_list("pk", "value", "version"))),
    "admin_password_kept": get_user_model().objects.get(username="admin")
        .check_password("the-admins-own-password-3"),
}))
"""


def django_script(body: str, env: dict, **names) -> dict:
    prelude = textwrap.dedent(f"""
        import json, django
        django.setup()
        {"; ".join(f"{k} = {v!r}" for k, v in names.items())}
    """)
    out = subprocess.run(
        [sys.executable, "-c", prelude + body],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_setup(env: dict) -> str:
    done = subprocess.run(
        ["scripts/run", "--setup-only"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_running_scripts_run_again_keeps_what_users_changed(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dashboard.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "incubator_plan.settings",
        "DEBUG": "1",
    }
    first = run_setup(env)
    assert "已载入计划" in first
    ids = django_script(EDIT, env)
    before = django_script(READ, env, ids=ids)
    assert before["figure"] == "777.0000" and before["target"] == "55.0000"

    second = run_setup(env)

    after = django_script(READ, env, ids=ids)
    assert after == before
    assert after["plans"] == 1
    assert after["closed"] == [[2025, 4]]
    assert after["admin_password_kept"] is True
    assert "未重新载入" in second
    assert "已存在,未改动" in second
