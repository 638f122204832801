"""A number reused from the cache is never older than the last write.

Pages reuse their computed progress until the plan's data version changes
(reports/progress/reuse.py). For each way the data changes — a grid save, an
upload confirmed, a report approved or returned, a quarter closed or reopened,
a target changed in the admin, the plan workbook imported again, a goal's own
figure, a measure's report — every page and API call is read while its
progress is cached from before the write, then after it, and compared with the
same page computed afresh (caches emptied): they must be equal, and the pages
the write is about must have changed (so the comparison can fail).

The writes run one after another on the same data (a chain): every page is read
once, then for each write: the write, every page read (after), the caches
emptied and every page read again (fresh). The fresh reading proves the after
one right and leaves the caches filled at the new version, just as a reading
before the next write would: it is that write's "before".

Run with the embedded default (locmem: each process's own memory) and with a
shared backend (the database cache, as ``CACHE_URL=db://`` configures), whose
entries are pickled and read back by a process that did not compute them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reports.choices import Source
from reports.figures.changes import FigureChange
from reports.figures.goal_series import GoalFigureChange, record_goal_figures
from reports.figures.imports import COMMAND_LIMITS, preview_import
from reports.figures.measure_reports import record_measure_report
from reports.figures.quarters import close_quarter, reopen_quarter
from reports.figures.services import record_figures
from reports.figures.submissions import approve, return_submission
from reports.figures.uploads import confirm_upload, stage_upload
from reports.measure_models import MeasureStatus
from reports.models import Figure
from reports.progress import Period
from targets.models import Goal, Plan, Target
from targets.services import plan_as_spec, save_plan
from tests.conftest import make_user
from tests.reports.figures_files import cell, edit, template
from tests.signing_in import sign_in

Q2, Q3 = "2026Q2", "2026Q3"


def county_pages(period: str | None) -> dict[str, tuple[str, dict]]:
    params = {"period": period} if period else {}
    suffix = period or "default"
    return {
        f"overview {suffix}": (reverse("reports:overview"), params),
        f"matrix {suffix}": (reverse("reports:matrix"), params),
        f"matrix csv {suffix}": (reverse("reports:matrix"), {**params, "_export": "csv"}),
        f"township {suffix}": (reverse("reports:township", args=["kunyang"]), params),
        f"indicator {suffix}": (reverse("reports:indicator", args=["space"]), params),
        f"goals {suffix}": (reverse("reports:goals"), params),
        f"report {suffix}": (reverse("reports:report"), params),
        f"API progress {suffix}": (reverse("api:progress"), params),
        f"API goals {suffix}": (reverse("api:goals"), params),
    }


# The demo's pages open on 2026Q2 (the latest complete quarter).
PAGES = {
    **county_pages(None),
    **county_pages(Q3),
    "plan": (reverse("targets:plan"), {}),
    "API plan": (reverse("api:plan"), {}),
}
OFFICIAL_PAGES = {
    "official township": (reverse("reports:township", args=["kunyang"]), {}),
    "official township Q3": (reverse("reports:township", args=["kunyang"]), {"period": Q3}),
    "official API progress": (reverse("api:progress"), {}),
}

# What differs between two renderings of the same data: CSRF tokens, CSP
# nonces, the workbook's creation time.
VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|nonce="|csrf_token" content=")[^"]*')


def read(client: Client, url: str, params: dict) -> object:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind.startswith("application/json"):
        return json.loads(body)
    if "spreadsheetml" in kind:
        return workbook_values(body)
    return VOLATILE.sub(rb"\1", body)


# Workbook contents (all but the creation time) → their cells. Most writes leave
# a workbook as it was, and opening one costs about as much as rendering it.
_WORKBOOKS: dict[bytes, dict] = {}


def workbook_values(body: bytes) -> dict[str, list[list]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        digest = hashlib.sha256()
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    key = digest.digest()
    if key not in _WORKBOOKS:
        book = openpyxl.load_workbook(io.BytesIO(body))
        _WORKBOOKS[key] = {
            sheet.title: [[c.value for c in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets
        }
    return _WORKBOOKS[key]


def read_all(staff_client: Client, official_client: Client) -> dict[str, object]:
    pages = {name: read(staff_client, *where) for name, where in PAGES.items()}
    pages |= {name: read(official_client, *where) for name, where in OFFICIAL_PAGES.items()}
    return pages


def forget_everything() -> None:
    for alias in ("progress", "default"):
        caches[alias].clear()


# ---------------------------------------------------------------- the writes


def figure_of(plan: Plan, region: str, indicator: str, period: str) -> Figure:
    p = Period.from_code(period)
    return Figure.objects.get(
        indicator__plan=plan,
        indicator__code=indicator,
        region__code=region,
        year=p.year,
        quarter=p.quarter,
    )


def grid_save(plan, staff, admin):
    figure = figure_of(plan, "kunyang", "space", Q2)
    change = FigureChange(
        figure.indicator_id, figure.region_id, 2026, 2, figure.value + 7, seen_version=None
    )
    record_figures(plan, staff, [change], source=Source.FORM)


def upload_confirm(plan, staff, admin):
    value = figure_of(plan, "kunyang", "talents", Q2).value + 11
    data = edit(template(plan, Q2), {cell("昆阳", "talents"): int(value)})
    preview = preview_import(plan, staff, data, limits=COMMAND_LIMITS)
    pending = stage_upload(plan, staff, preview, file_name="q2.xlsx", data=data)
    confirm_upload(plan, staff, pending.pk)


def approve_submitted(plan, staff, admin):
    approve(plan, staff, plan.regions.get(name="腾蛟"), 2026, 3)


def return_approved(plan, staff, admin):
    region = plan.regions.get(code="kunyang")
    return_submission(plan, staff, region, 2026, 2, "请核对空间面积")


def close_q3(plan, staff, admin):
    close_quarter(plan, staff, 2026, 3, "年中调度", override=True)


def reopen_q3(plan, staff, admin):
    reopen_quarter(plan, staff, 2026, 3, "更正数据")


def target_in_admin(plan, staff, admin):
    target = Target.objects.get(indicator__code="space", region__code="kunyang", year=2026)
    client = Client()
    sign_in(client, admin)
    url = reverse("admin:targets_target_change", args=[target.pk])
    response = client.post(
        url,
        {
            "indicator": target.indicator_id,
            "region": target.region_id,
            "year": target.year,
            "value": str(target.value * 2),
            "stretch_value": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.value > 0


def goal_figure(plan, staff, admin):
    # A goal staff report themselves (the stock goals come from the ledger,
    # which the demo keeps).
    conversions = Goal.objects.get(plan=plan, code="conversions")
    record_goal_figures(plan, staff, 2026, 2, [GoalFigureChange(conversions.pk, Decimal(40))])


def ledger_base(plan, staff, admin):
    """A new incubation base in operation: the stock goal 孵化基地 counts it."""
    from datetime import date

    from reports.ledger.services import create_incubator

    create_incubator(
        staff,
        region=plan.regions.get(code="kunyang"),
        name="新建孵化基地",
        kind="base",
        floor_area=Decimal("2.00"),
        status="operating",
        status_since=date(2025, 1, 1),
        operating_since=date(2025, 1, 1),
    )


def measure_report(plan, staff, admin):
    liaison = make_user("liaison-stale", None)
    liaison.is_superuser = True
    liaison.save()
    measure = plan.measures.get(section="三", number=5)
    department = plan.departments.get(name="县投资促进服务中心")
    record_measure_report(
        liaison, measure, department, Period(2026, 2), status=MeasureStatus.DONE, done="已完成"
    )


# write → the pages it must change (so that the comparison can fail), in two
# chains, each in the order it runs. Each write's precondition holds after the
# writes before it in its chain:
# - approve: 腾蛟's 2026Q3 report is under review (已上报) in the demo, and the
#   quarter is still open (closing comes later);
# - return: 昆阳's 2026Q2 report is approved (已审核) in the demo; the bureau's
#   own corrections before it (grid save, upload) keep that state;
# - close, then reopen: reopening needs the closed quarter. They come last so
#   that the writes before them change the default quarter's pages (2026Q2,
#   the latest complete quarter, while 2026Q3 is open).
REPORTING_WRITES = {
    "grid save": (grid_save, ["overview default", "matrix default", "API progress default"]),
    "upload confirm": (upload_confirm, ["matrix default", "township default", "report default"]),
    "approve": (approve_submitted, ["matrix 2026Q3", "API progress 2026Q3", "indicator 2026Q3"]),
    "return": (return_approved, ["overview default", "township default", "official township"]),
    "close": (close_q3, ["overview default", "API progress default", "goals default"]),
    "reopen": (reopen_q3, ["overview default", "API progress default", "goals default"]),
}
# The plan, goals, measures and ledger: none depends on another.
PLAN_WRITES = {
    "target in admin": (target_in_admin, ["plan", "API plan", "township default"]),
    "goal figure": (goal_figure, ["goals default", "API goals default", "overview default"]),
    "measure report": (measure_report, ["report default"]),
    "ledger incubator": (ledger_base, ["goals default", "API goals default", "overview default"]),
}
WRITES = REPORTING_WRITES | PLAN_WRITES

# The shared backend on a few writes of each kind, independent of each other
# (each write there costs three readings of every page, about two seconds).
SHARED_WRITES = ["grid save", "approve", "target in admin"]

# Every write with the embedded default, in two chains (two tests that can run
# side by side); the shared backend on its few.
CHAINS = {
    "locmem-reporting": ("locmem", list(REPORTING_WRITES)),
    "locmem-plan": ("locmem", list(PLAN_WRITES)),
    "database": ("database", SHARED_WRITES),
}


@pytest.fixture
def cache_backend(request, settings, db):
    """The embedded default, or a shared backend whose entries are pickled.

    Either way the process's own tier keeps every entry: by default it keeps
    the 12 most recently used, fewer than one reading of every page computes
    (about 30), and an entry dropped cannot be served stale — the pages read
    first would be compared without anything old to find."""
    settings.CACHES = {
        **settings.CACHES,
        "progress": {**settings.CACHES["progress"], "OPTIONS": {"MAX_ENTRIES": 10_000}},
    }
    if request.param == "database":
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "test_progress_cache",
            },
        }
        call_command("createcachetable", verbosity=0)
    return request.param


@pytest.mark.parametrize(
    ("cache_backend", "chain"),
    [pytest.param(backend, writes, id=name) for name, (backend, writes) in CHAINS.items()],
    indirect=["cache_backend"],
)
def test_every_page_shows_the_new_number_after_a_write(
    cache_backend, demo, staff, official, admin_user, chain
):
    staff_client, official_client = Client(), Client()
    sign_in(staff_client, staff)
    sign_in(official_client, official)
    problems = []

    before = read_all(staff_client, official_client)  # computed and kept
    for write in chain:
        do, changed = WRITES[write]
        try:
            do(demo, staff, admin_user)
        except Exception as error:
            error.add_note(f"in the write {write!r}, after {chain[: chain.index(write)]}")
            raise
        if cache_backend == "database":
            # Another app server: nothing of its own, the shared entries only.
            caches["progress"].clear()
        after = read_all(staff_client, official_client)
        shared = None
        if cache_backend == "database":
            # A third server: what the second computed, read from the shared tier.
            caches["progress"].clear()
            shared = read_all(staff_client, official_client)
        forget_everything()
        fresh = read_all(staff_client, official_client)  # and kept: the next "before"

        stale = [name for name in PAGES | OFFICIAL_PAGES if after[name] != fresh[name]]
        if stale:
            problems.append(f"{write}: stale after the write (not as computed afresh): {stale}")
        if shared is not None:
            stale = [name for name in PAGES | OFFICIAL_PAGES if shared[name] != fresh[name]]
            if stale:
                problems.append(f"{write}: stale from the shared tier: {stale}")
        unchanged = [name for name in changed if after[name] == before[name]]
        if unchanged:
            problems.append(f"{write}: the pages it is about did not change: {unchanged}")
        before = fresh

    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_reading_twice_reuses_and_a_write_in_between_does_not(demo, staff, client_for):
    """The same page at the same version is served from the cache (its
    numbers survive a write past the services, which bumps nothing); any
    service write makes it compute again."""
    client = client_for(staff)
    url, params = reverse("api:progress"), {"period": Q2}

    def county_space() -> str:
        rows = read(client, url, params)["rows"]
        return next(r["actual"] for r in rows if r["region"] is None and r["indicator"] == "space")

    first = county_space()
    Figure.objects.filter(indicator__code="space", year=2026, quarter=2).update(value=0)
    assert county_space() == first  # reused: nothing bumped the version
    grid_save(demo, staff, None)
    assert county_space() != first


def test_a_plan_imported_again_shows_its_new_targets(plan, staff, client_for):
    """The plan workbook imported again (replacing the plan, which holds no
    figures yet): the plan page and the API show the workbook's targets."""
    client = client_for(staff)
    plan_page, api_plan = (reverse("targets:plan"), {}), (reverse("api:plan"), {})
    before = read(client, *plan_page), read(client, *api_plan)
    spec = plan_as_spec(plan)
    targets = [
        dataclasses.replace(
            t, value=t.value + 1000, stretch_value=t.stretch_value and t.stretch_value + 1000
        )
        if (t.indicator_code, t.region_code, t.year) == ("space", None, None)
        else t
        for t in spec.targets
    ]
    save_plan(dataclasses.replace(spec, targets=tuple(targets)), replace=True)
    after = read(client, *plan_page), read(client, *api_plan)
    forget_everything()
    assert after == (read(client, *plan_page), read(client, *api_plan))
    assert after[0] != before[0] and after[1] != before[1]
    totals = [t for t in after[1]["targets"] if t["indicator"] == "space" and t["region"] is None]
    assert any(Decimal(t["value"]) >= 1000 for t in totals)


def test_reused_charts_are_in_the_readers_language(demo, staff, client_for, settings):
    """Charts are reused with their titles: a Chinese reader's charts are not
    served to an English one."""
    client = client_for(staff)
    url = reverse("reports:overview")
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "annual completion rate by indicator" in english
    assert "annual completion rate by indicator" not in chinese
