#!/usr/bin/env python
"""Benchmarks of the dashboard, in one command (benchmarks/README.md):

    .venv/bin/python benchmarks/run.py [--quick] [--database-url postgres://…/NAME]

Works on a throwaway database of its own — a SQLite file in a temporary folder,
or the PostgreSQL database named in ``--database-url``, which it creates and
drops (it refuses one that already exists) — never on the developer's
db.sqlite3. Runs with production settings (DEBUG=0, hashed and compressed static
files) and prints Markdown tables:

1. server time (median of --runs) and SQL queries of each page and API call, at
   the seed plan (Pingyang + demo figures) and at a generated large plan;
2. the request path layer by layer: each middleware's own time (stack.py);
3. page weight of the overview, first and repeat visit, and requests per
   second under wrk, through gunicorn with 2 workers on 127.0.0.1, of the
   framework floor (floor_settings.py: no middleware, no database), the app
   floor (a logged-in page with no data) and the overview, in the same run;
4. Excel import and export of N figure rows against their raw floors;
5. the ledger workbook's upload and confirmation of N new firms against their
   raw floor (ledger.py), at the seed plan.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET = "benchmark-only-secret-key-not-for-production-0123456789"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: about a minute")
    parser.add_argument(
        "--database-url",
        help="postgres://user@host:port/NAME: NAME is created and dropped (must not exist)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per page (median; default 7, quick 3)")
    parser.add_argument("--regions", type=int, help="large plan regions (default 1000)")
    parser.add_argument("--indicators", type=int, help="large plan indicators (default 20)")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--excel-rows", type=int, help="figure rows (default 100000)")
    parser.add_argument("--ledger-rows", type=int, help="new firms uploaded (default 5000)")
    parser.add_argument("--load-seconds", type=int, help="wrk duration (default 15, quick 5)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["web", "stack", "excel", "large", "ledger"]
    )
    args = parser.parse_args()
    quick = args.quick
    args.runs = args.runs or (3 if quick else 7)
    args.regions = args.regions or (100 if quick else 1000)
    args.indicators = args.indicators or (10 if quick else 20)
    args.excel_rows = args.excel_rows or (10_000 if quick else 100_000)
    args.load_seconds = args.load_seconds or (5 if quick else 15)
    args.ledger_rows = args.ledger_rows or (1000 if quick else 5000)
    return args


# ---------------------------------------------------------------- throwaway database


class PostgresDatabase:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.url, self.name = url, parts.path.lstrip("/")
        if not self.name or self.name == "postgres":
            raise SystemExit("--database-url must name a throwaway database, not postgres")
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def create(self) -> None:
        import psycopg

        try:
            self._admin(f'CREATE DATABASE "{self.name}"')
        except psycopg.errors.DuplicateDatabase:
            raise SystemExit(f"database {self.name} exists; name a new throwaway one") from None

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# ---------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    memory_gib = int(memory.split()[0]) / 1024 / 1024

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    dirty = " (with uncommitted changes)" if changed else ""
    return {
        "date": datetime.now().astimezone().date().isoformat(),
        "commit": git("rev-parse", "--short", "HEAD") + dirty,
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{memory_gib:.1f} GiB",
        "python": platform.python_version(),
    }


def load_average() -> str:
    """1, 5 and 15 minutes: other work on the machine skews every timing."""
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


# ---------------------------------------------------------------- report


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def say(text: str = "") -> None:
    print(text, flush=True)


def step(text: str) -> float:
    print(f"… {text}", file=sys.stderr, flush=True)
    return time.perf_counter()


def kib(size: int) -> str:
    return f"{size / 1024:,.1f} KB"


# ---------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="incubator-bench-"))
    postgres = PostgresDatabase(args.database_url) if args.database_url else None
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "INTRANET_HTTP": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubator_plan.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if postgres:
        postgres.create()
    try:
        return run(args, workdir, env)
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            postgres.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path, env: dict[str, str]) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from benchmarks import pages as page_bench
    from reports.demo.seed import DEMO_PASSWORD
    from targets.models import Plan

    started = time.perf_counter()
    step("migrate, load the seed plan, demo figures and accounts, collectstatic")
    call_command("migrate", verbosity=0)
    call_command("loaddata", "pingyang_2025_2027", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", allow_production=True, verbosity=0, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    staff = get_user_model().objects.get(username="staff")

    info = machine()
    info["database"] = database_version()
    say(f"## Benchmarks — {info['date']}, commit {info['commit']}")
    say()
    say(
        f"Machine: {info['cpu']}, {info['memory']} RAM; Python {info['python']}; "
        f"{info['database']}. Mode: {'--quick' if args.quick else 'full'}. "
        f"Load average at the start: {load_average()}."
    )
    say()

    step(f"pages at the seed plan ({args.runs} runs each)")
    seed = page_bench.time_pages(staff, large=False, runs=args.runs)

    if "stack" not in args.skip:
        stack_step(staff, runs=50 if args.quick else 300)
    if "web" not in args.skip:
        web_step(args, env, DEMO_PASSWORD)

    ledger = None
    if "ledger" not in args.skip:
        from benchmarks.ledger import run_ledger

        t = step(f"ledger workbook: {args.ledger_rows} new firms")
        ledger = run_ledger(staff, rows=args.ledger_rows)
        step(f"ledger done in {time.perf_counter() - t:.1f} s")

    large = None
    shape = f"{args.regions} regions × {args.indicators} indicators × {args.years} years"
    if "large" not in args.skip:
        t = step(f"generate the large plan: {shape} of quarters")
        from reports.demo.scale import generate_plan

        generate_plan(regions=args.regions, indicators=args.indicators, years=args.years)
        step(f"generated in {time.perf_counter() - t:.1f} s; pages at the large plan")
        large = page_bench.time_pages(staff, large=True, runs=args.runs)

    say(f"### Server time and SQL queries (median of {args.runs}, Django test client)")
    say()
    say(f"Seed: the Pingyang plan with demo figures. Large: {shape}.")
    say()
    rows = []
    for label, timing in seed.items():
        big = large[label] if large else None
        rows.append(
            [
                label,
                f"{timing.median_ms:.1f}",
                f"{big.median_ms:.1f}" if big else "—",
                f"{big.median_ms / timing.median_ms:.1f}×" if big else "—",
                timing.queries,
                big.queries if big else "—",
                "yes" if big and big.queries == timing.queries else ("—" if not big else "**NO**"),
            ]
        )
    say(
        table(
            ["page", "seed ms", "large ms", "ratio", "seed SQL", "large SQL", "constant"],
            rows,
        )
    )
    say()

    if ledger is not None:
        from benchmarks.ledger import ledger_table

        say(f"### Ledger workbook, {ledger.rows:,} new firms (seed plan)")
        say()
        say(
            f"File: {kib(ledger.file_bytes)}. Each page request beside the floor (calamine "
            "read + bulk insert of the firms and their history rows), this run "
            "(benchmarks/ledger.py). Each must finish inside gunicorn's 30 s timeout."
        )
        say()
        say(table(["request", "seconds", "floor s", "ratio to floor"], ledger_table(ledger)))
        say()

    if "excel" not in args.skip:
        from benchmarks.excel import excel_table, run_excel

        plan = Plan.objects.current()
        t = step(f"Excel: {args.excel_rows} figure rows of {plan.name}")
        result = run_excel(plan, staff, workdir, rows=args.excel_rows, with_openpyxl=not args.quick)
        step(f"Excel done in {time.perf_counter() - t:.1f} s")
        say(f"### Excel, {result.rows:,} figure rows of {plan.name}")
        say()
        say(
            f"Import file: {kib(result.file_bytes)}; every row changes an existing figure. "
            "Each project step beside its floor, measured in this run (benchmarks/excel.py)."
        )
        say()
        say(table(["step", "seconds", "ratio to floor"], excel_table(result)))
        say()
    say(f"Load average at the end: {load_average()}.")
    step(f"all done in {time.perf_counter() - started:.0f} s")
    return 0


APP_FLOOR = "/accounts/password_change/"  # the cheapest logged-in page: a form, no data


def web_step(args, env: dict[str, str], password: str) -> None:
    from benchmarks import web

    step("gunicorn (2 workers) on 127.0.0.1: page weight and load")
    loads = {}
    with web.Gunicorn(web.server_env(env), ROOT) as server:
        browser = web.Browser(server.port)
        browser.login("staff", password)
        weight = web.page_weight(browser, "/overview/")
        floor_bytes = len(browser.request("GET", APP_FLOOR, headers={"Accept-Encoding": ""}).body)
        if shutil.which("wrk") is None:
            say(f"> {web.WRK_MISSING}")
        else:
            for label, path in [("app floor", APP_FLOOR), ("overview", "/overview/")]:
                step(f"wrk for {args.load_seconds} s: {label}")
                loads[label] = web.load(
                    server.port,
                    path,
                    browser.cookies,
                    seconds=args.load_seconds,
                    connections=args.connections,
                )
    if loads:
        # The framework floor: the same gunicorn command, Django with no
        # middleware, no apps and no database, a view of the same size.
        floor_env = {**web.server_env(env), "FLOOR_BYTES": str(floor_bytes)}
        with web.Gunicorn(floor_env, ROOT, settings_module="benchmarks.floor_settings") as bare:
            step(f"wrk for {args.load_seconds} s: framework floor")
            loads["framework floor"] = web.load(
                bare.port, "/", {}, seconds=args.load_seconds, connections=args.connections
            )
    say_weight(weight)
    if loads:
        say_load(loads, floor_bytes)


def say_weight(weight) -> None:
    say("### Page weight of the overview (seed plan, gunicorn, DEBUG=0)")
    say()
    rows = [["HTML", kib(weight.html_bytes), weight.html_encoding, "no-store (page)"]]
    rows += [[url, kib(size), enc, control] for url, size, enc, control in weight.assets]
    say(table(["resource", "on the wire", "encoding", "Cache-Control"], rows))
    say()
    say(
        f"First visit: **{kib(weight.first_visit)}** (target ≤ 450 KB); "
        f"repeat visit: **{kib(weight.repeat_visit)}** (target ≤ 30 KB; the HTML again, "
        "long-cached assets not)."
    )
    say()


def say_load(loads: dict, floor_bytes: int) -> None:
    framework, app, overview = loads["framework floor"], loads["app floor"], loads["overview"]
    say("### Load: floors and the overview under wrk (seed plan, gunicorn 2 sync workers)")
    say()
    described = {
        "framework floor": f"bare Django view, no middleware, no database, {floor_bytes:,} bytes",
        "app floor": "logged-in password-change form (the whole stack, no data)",
        "overview": "the overview, seed plan",
    }
    rows = [
        [
            f"{label}: {described[label]}",
            f"**{load.requests_per_s:.0f}**",
            load.non_2xx,
            load.latency,
            f"`{load.command}`",
        ]
        for label, load in loads.items()
    ]
    say(table(["page", "requests/s", "non-2xx", "latency", "command"], rows))
    say()
    app_ratio = app.requests_per_s / framework.requests_per_s if framework.requests_per_s else 0
    overview_ratio = overview.requests_per_s / app.requests_per_s if app.requests_per_s else 0
    say(
        f"App floor / framework floor: **{app_ratio:.2f}** (target ≥ 0.15); "
        f"overview / app floor: **{overview_ratio:.2f}** (target ≥ 0.5). Same run, one "
        "after the other; wrk shares the two cores with the server."
    )
    say()
    for load in loads.values():
        if load.errors:
            say(f"wrk: {load.errors}")
            say()


def stack_step(user, runs: int) -> None:
    from benchmarks.stack import time_stack

    step(f"the request path layer by layer ({runs} requests a page)")
    floor = time_stack(user, APP_FLOOR, runs)
    overview = dict(time_stack(user, "/overview/", runs))
    say(f"### The request path, layer by layer (median µs of its own, {runs} requests)")
    say()
    say(
        "In process (Django test client), each middleware's own call timed alone; the "
        "handler row holds URL resolution, the process_view hooks (CSRF, login required: "
        "the session and user reads), the view and its template."
    )
    say()
    rows = [
        [f"`{name}`" if "." in name else name, f"{micros:,.0f}", f"{overview[name]:,.0f}"]
        for name, micros in floor
    ]
    say(table(["layer", "app floor µs", "overview µs"], rows))
    say()


if __name__ == "__main__":
    sys.exit(main())
