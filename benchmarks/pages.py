"""Server time and SQL query count of each page and API call, through Django's
test client (the whole middleware stack, no network), as a logged-in staff user."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    seed_args: tuple = ()
    large_args: tuple = ()
    params: tuple = ()


PAGES = [
    Page("overview", "reports:overview"),
    Page("matrix", "reports:matrix"),
    Page("matrix xlsx export", "reports:matrix", params=(("_export", "xlsx"),)),
    Page("township", "reports:township", ("kunyang",), ("r00001",)),
    Page("indicator", "reports:indicator", ("space",), ("i001",)),
    Page("plan", "targets:plan"),
    Page("report download (xlsx)", "reports:report"),
    Page("API progress", "api:progress"),
    Page("API plan", "api:plan"),
]


@dataclass
class Timing:
    median_ms: float
    queries: int
    bytes: int


def _get(client: Client, url: str, params: dict) -> int:
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


def time_pages(user, *, large: bool, runs: int) -> dict[str, Timing]:
    client = Client()
    client.force_login(user)
    results = {}
    for page in PAGES:
        url = reverse(page.url_name, args=page.large_args if large else page.seed_args)
        params = dict(page.params)
        _get(client, url, params)  # warm-up: imports, caches, connection
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            size = _get(client, url, params)
            samples.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _get(client, url, params)
        results[page.label] = Timing(statistics.median(samples), len(queries), size)
    return results
