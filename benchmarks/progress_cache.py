#!/usr/bin/env python
"""The progress table computed afresh vs reused, side by side, in one run:

    .venv/bin/python benchmarks/progress_cache.py [--database-url postgres://…/NAME]
        [--regions 1000] [--indicators 20] [--years 3] [--runs 7] [--profile PAGE]

Like ``benchmarks/run.py``: a throwaway database of its own (a SQLite file in a
temporary folder, or the PostgreSQL database named in ``--database-url``, created
and dropped; it refuses one that exists), production settings (DEBUG=0), the
configured cache (``CACHE_URL``; the in-process default when unset). It
generates a plan of ``--regions`` × ``--indicators`` × ``--years`` (every
quarter reported and approved), then times each page through Django's test
client as a staff user:

- **afresh**: the cache is cleared before every request, so the table is read
  and computed from the figures (what the first reader after a write pays);
- **reused**: the same request again, the table taken from the cache (the data
  version unchanged).

It prints a Markdown table with the goals beside the numbers and the SQL
queries of each path. ``--profile overview`` prints the cProfile of one afresh
request of that page instead (the top 30 functions by cumulative time).

Not a unit test: timings depend on the machine (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import BENCH_SECRET, PostgresDatabase, machine, table  # noqa: E402

# (label, url name, args, afresh goal ms, reused goal ms)
PAGES = [
    ("overview", "reports:overview", (), 250, 30),
    ("matrix", "reports:matrix", (), 300, None),
    ("indicator", "reports:indicator", ("i001",), 300, None),
    ("township", "reports:township", ("r00001",), None, None),
    ("API progress", "api:progress", (), 300, None),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://user@host:port/NAME (created, dropped)")
    parser.add_argument("--regions", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per path (median)")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile one afresh request of PAGE")
    parser.add_argument("--reused", action="store_true", help="with --profile: a reused request")
    parser.add_argument(
        "--keep-sqlite",
        metavar="PATH",
        help="SQLite file to keep between runs (generated once; for profiling sessions)",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="incubator-cache-bench-"))
    postgres = PostgresDatabase(args.database_url) if args.database_url else None
    sqlite_path = Path(args.keep_sqlite) if args.keep_sqlite else workdir / "bench.sqlite3"
    fresh = postgres is not None or not sqlite_path.exists()
    os.environ.update(
        {
            "DATABASE_URL": args.database_url or f"sqlite:///{sqlite_path}",
            "DEBUG": "0",
            "SECRET_KEY": BENCH_SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "INTRANET_HTTP": "1",
            "STATIC_ROOT": str(sqlite_path.parent / "static"),
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubator_plan.settings")
    os.chdir(ROOT)
    if postgres:
        postgres.create()
    try:
        return run(args, fresh)
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            postgres.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, fresh: bool) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from reports.demo.scale import generate_plan

    def forget() -> None:
        """Both tiers of the reused progress (reports/progress/reuse.py)."""
        caches["default"].clear()
        caches["progress"].clear()

    shape = f"{args.regions} regions × {args.indicators} indicators × {args.years} years"
    call_command("migrate", verbosity=0)
    if fresh:
        print(f"… generate {shape}", file=sys.stderr, flush=True)
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)
        generate_plan(regions=args.regions, indicators=args.indicators, years=args.years)
        get_user_model().objects.create_superuser("bench", password="bench-only-password-1")
    if not Path(settings.STATIC_ROOT, "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)

    def timed(url: str, *, clear: bool) -> tuple[float, float, int]:
        """Median wall-clock and CPU (this process: on a shared, loaded
        machine the CPU time is the steadier number) milliseconds, and SQL."""
        samples, cpu = [], []
        for _ in range(args.runs):
            if clear:
                forget()
            start, start_cpu = time.perf_counter(), time.process_time()
            get(url)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        if clear:
            forget()
        with CaptureQueriesContext(connection) as queries:
            get(url)
        return statistics.median(samples), statistics.median(cpu), len(queries)

    urls = {label: reverse(name, args=pargs) for label, name, pargs, *_ in PAGES}
    for url in urls.values():
        get(url)  # warm-up: imports, connection, templates
    if args.profile:
        forget()
        if args.reused:
            get(urls[args.profile])
        profiler = cProfile.Profile()
        profiler.enable()
        get(urls[args.profile])
        profiler.disable()
        order = os.environ.get("PROFILE_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(30)
        return 0

    info = machine()
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"## Progress table afresh vs reused — {info['date']}, commit {info['commit']}")
    print()
    print(
        f"Machine: {info['cpu']}, {info['memory']} RAM; Python {info['python']}; "
        f"{connection.vendor}; cache {backend}; {shape}; median of {args.runs}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}."
    )
    print()
    rows = []
    for label, _name, _args, afresh_goal, reused_goal in PAGES:
        afresh_ms, afresh_cpu, afresh_sql = timed(urls[label], clear=True)
        reused_ms, reused_cpu, reused_sql = timed(urls[label], clear=False)
        rows.append(
            [
                label,
                f"{afresh_ms:.1f}",
                f"{afresh_cpu:.1f}",
                f"≤ {afresh_goal}" if afresh_goal else "—",
                f"{reused_ms:.1f}",
                f"{reused_cpu:.1f}",
                f"≤ {reused_goal}" if reused_goal else "—",
                afresh_sql,
                reused_sql,
            ]
        )
    print(
        table(
            [
                "page",
                "afresh ms",
                "afresh CPU ms",
                "goal",
                "reused ms",
                "reused CPU ms",
                "goal",
                "afresh SQL",
                "reused SQL",
            ],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
