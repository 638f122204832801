#!/usr/bin/env python
"""The quarter-end rush (benchmarks/README.md), in one command:

    .venv/bin/python benchmarks/rush.py --database-url postgres://postgres@127.0.0.1:5432/NAME
    .venv/bin/python benchmarks/rush.py --quick …      # 90 seconds instead of five minutes

On a throwaway PostgreSQL database that it creates and drops (it refuses one
that exists): the seed plan with demo figures and accounts, gunicorn with 2
sync workers on 127.0.0.1, and locust headless (benchmarks/rush_users.py) with
50 users for --run-time: leaders and township officials reading, each township
saving and handing in its quarter, staff approving and returning, one upload a
minute. Prints throughput, p50/p95/p99, errors, and the stale-read check: no
read of the progress API may show a number older than the last approval
committed before the read started.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import BENCH_SECRET, PostgresDatabase, machine, say, step, table  # noqa: E402

USERS = 50  # the fixed_count of rush_users.py's classes add up to this


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", required=True, help="postgres://…/NAME (created, dropped)"
    )
    parser.add_argument("--run-time", default="5m", help="locust --run-time (default 5m)")
    parser.add_argument("--quick", action="store_true", help="--run-time 90s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    if args.quick:
        args.run_time = "90s"
    return args


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="incubator-rush-"))
    postgres = PostgresDatabase(args.database_url)
    env = {
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "INTRANET_HTTP": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",
        # 50 users from one address: the login throttle must not count them.
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubator_plan.settings")
    os.chdir(ROOT)
    postgres.create()
    try:
        return rush(args, workdir, env)
    finally:
        from django.db import connections

        connections.close_all()
        postgres.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def prepare(workdir: Path) -> dict[str, str]:
    """The seed plan, demo accounts, static files and the upload workbooks."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from reports.demo.seed import DEMO_PASSWORD
    from targets.models import Plan

    call_command("migrate", verbosity=0)
    call_command("loaddata", "pingyang_2025_2027", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", allow_production=True, verbosity=0, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    plan = Plan.objects.current()
    indicator = plan.indicators.filter(by_region=True).order_by("order", "pk").first()
    codes = list(plan.regions.order_by("order", "pk").values_list("code", flat=True))
    User = get_user_model()
    assert User.objects.filter(username__in=[f"town-{c}" for c in codes]).count() == len(codes)
    upload_period = write_uploads(plan, workdir)
    return {
        "RUSH_PERIOD": next_quarter(upload_period),
        "RUSH_INDICATOR": indicator.code,
        "RUSH_INDICATOR_PK": str(indicator.pk),
        "RUSH_REGIONS": ",".join(codes),
        "RUSH_PASSWORD": DEMO_PASSWORD,
        "RUSH_UPLOAD_DIR": str(workdir),
        "RUSH_LOG": str(workdir / "rush-log.json"),
    }


def write_uploads(plan, workdir: Path) -> str:
    """Six long-sheet workbooks of the latest seeded quarter, each changing
    every figure of it (the uploader cycles through them, one a minute)."""
    from reports.excel.export import figure_rows, write_long_workbook
    from reports.models import Figure

    latest = Figure.objects.in_plan(plan).order_by("-year", "-quarter").first()
    rows = list(figure_rows(plan, year=latest.year, quarter=latest.quarter))
    for n in range(6):
        changed = [(*row[:4], row[4] + n + 1, row[5]) for row in rows]
        write_long_workbook(str(workdir / f"upload-{n}.xlsx"), changed, plan=plan)
    return f"{latest.year}Q{latest.quarter}"


def next_quarter(code: str) -> str:
    year, quarter = int(code[:4]), int(code[-1])
    return f"{year + quarter // 4}Q{quarter % 4 + 1}"


def rush(args, workdir: Path, env: dict[str, str]) -> int:
    from benchmarks import web

    started = step("migrate, seed plan and demo accounts, collectstatic, upload files")
    rush_env = prepare(workdir)
    info = machine()
    load_before = os.getloadavg()
    with web.Gunicorn(web.server_env(env), ROOT, workers=args.workers) as server:
        step(f"locust: {USERS} users for {args.run_time} against 127.0.0.1:{server.port}")
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "rush_users.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            "5",
            # The 50 logins (a deliberately slow password hash each) happen
            # while users spawn; the figures are for the rush after them.
            "--reset-stats",
            "--run-time",
            args.run_time,
            "--host",
            f"http://{web.HOST}:{server.port}",
            "--csv",
            str(workdir / "rush"),
            "--only-summary",
            "--stop-timeout",
            "30",
        ]
        locust_env = {**web.server_env(env), **rush_env}
        locust_env.pop("DJANGO_SETTINGS_MODULE", None)
        finished = subprocess.run(command, cwd=ROOT, env=locust_env, capture_output=True, text=True)
        if not (workdir / "rush_stats.csv").exists():
            print(finished.stdout[-3000:], finished.stderr[-3000:], file=sys.stderr)
            raise SystemExit("locust did not finish")
    load_after = os.getloadavg()
    stats = list(csv.DictReader((workdir / "rush_stats.csv").open()))
    log = json.loads(Path(rush_env["RUSH_LOG"]).read_text())
    stale, checked = stale_reads(log, rush_env)
    report(args, info, stats, log, stale, checked, load_before, load_after)
    step(f"done in {time.perf_counter() - started:.0f} s")
    return 1 if stale or any(int(row["Failure Count"]) for row in stats) else 0


def stale_reads(log: dict, rush_env: dict[str, str]) -> tuple[list[str], int]:
    """Each progress read against the approvals: the number shown must be what
    the last approval or return committed before the read started made count,
    or what one committed while the read ran made count."""
    from reports.choices import SubmissionAction
    from reports.models import Figure, SubmissionEvent
    from targets.models import Plan

    plan = Plan.objects.current()
    year, quarter = int(rush_env["RUSH_PERIOD"][:4]), int(rush_env["RUSH_PERIOD"][-1])
    indicator_pk = int(rush_env["RUSH_INDICATOR_PK"])
    codes = dict(plan.regions.values_list("pk", "code"))
    # When each review post's change was surely committed: its response's end.
    posts = sorted((entry["start"], entry["end"], entry["region"]) for entry in log["reviews"])
    history = Figure.history.filter(indicator_id=indicator_pk, year=year, quarter=quarter)
    values: dict[int, list[tuple[float, Decimal]]] = {}
    for record in history.order_by("history_date"):
        values.setdefault(record.region_id, []).append(
            (record.history_date.timestamp(), record.value)
        )
    timeline: Timeline = {}
    events = SubmissionEvent.objects.filter(
        submission__plan=plan, submission__year=year, submission__quarter=quarter
    ).select_related("submission")
    for event in events.order_by("at"):
        if event.action not in (SubmissionAction.APPROVE, SubmissionAction.RETURN):
            continue
        at, region = event.at.timestamp(), event.submission.region_id
        committed = next(
            (end for start, end, pk in posts if pk == region and start <= at <= end), at + 1
        )
        value = None
        if event.action == SubmissionAction.APPROVE:
            series = values.get(region, [])
            index = bisect_right([t for t, _v in series], at) - 1
            value = series[index][1] if index >= 0 else None
        timeline.setdefault(codes[region], []).append((at, committed, value))
    return find_stale(log["reads"], timeline)


# region code → [(when the change was made, when it was surely committed, the
# number it made count: the approved value, or None after a return)]
Timeline = dict[str, list[tuple[float, float, Decimal | None]]]


def find_stale(reads: list[dict], timeline: Timeline) -> tuple[list[str], int]:
    """A read may show what the last change committed before it started made
    count, or what a change made while it ran made count; anything else (an
    older number) is stale. Returns the stale reads and how many were checked."""
    stale, checked = [], 0
    for read in reads:
        for code, shown in read["shown"].items():
            changes = timeline.get(code, [])
            before = [value for _at, committed, value in changes if committed < read["start"]]
            allowed = {before[-1] if before else None}
            allowed |= {
                value
                for at, committed, value in changes
                if committed >= read["start"] and at <= read["end"]
            }
            seen = Decimal(shown) if shown is not None else None
            checked += 1
            if seen not in allowed and not (seen == 0 and None in allowed):
                stale.append(
                    f"{code} at {read['start']:.3f}: saw {seen}, expected one of {allowed}"
                )
    return stale, checked


def report(args, info, stats, log, stale, checked, load_before, load_after) -> None:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    say(f"## Quarter-end rush — {info['date']}, commit {info['commit']}")
    say()
    say(
        f"Machine: {info['cpu']}, {info['memory']} RAM; Python {info['python']}; PostgreSQL; "
        f"gunicorn {args.workers} sync workers; locust {USERS} users, {args.run_time}, on the "
        f"same machine, statistics from the moment all users are logged in. Load average "
        f"before {load_before[0]:.1f}, after {load_after[0]:.1f}."
    )
    say()
    rows = [
        [
            row["Name"] if row["Name"] != "Aggregated" else "**all requests**",
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
            row["Max Response Time"].split(".")[0],
        ]
        for row in stats
        if row["Name"] and (row["Type"] or row["Name"] == "Aggregated")
    ]
    say(
        table(["request", "count", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows)
    )
    say()
    approvals = sum(1 for entry in log["reviews"] if entry["action"] == "approve")
    returns = len(log["reviews"]) - approvals
    refused = ", ".join(sorted(set(log["refused"]))) or "none"
    say(
        f"Throughput **{float(total['Requests/s']):.1f} requests/s**; p50 {total['50%']} ms, "
        f"**p95 {total['95%']} ms** (target ≤ 500), p99 {total['99%']} ms; "
        f"**{total['Failure Count']} errors** (target 0). {approvals} approvals and {returns} "
        f"returns; {len(log['refused'])} writes refused by the app with a message "
        f"(a stale form after another user's change: {refused})."
    )
    say()
    say(
        f"Stale-read check: {len(log['reads'])} progress reads, {checked} township numbers "
        f"checked against the approvals committed before each read: **{len(stale)} stale**."
    )
    for line in stale[:10]:
        say(f"- {line}")
    say()


if __name__ == "__main__":
    sys.exit(main())
