"""The request path layer by layer: every middleware of settings.MIDDLEWARE
timed on its own, in process (Django's test client, production settings).

A timer goes between each two middleware; each timer measures everything
inside it, so a middleware's own cost is its timer's time minus the next
timer's. The innermost timer holds what Django's handler runs after the
middleware chain: URL resolution, the middleware's ``process_view`` hooks
(CSRF, login required), the view and its template. Lazy work is counted where
it happens: the session row and the user are read by the first code that asks
for ``request.user`` (the login-required hook), not by SessionMiddleware or
AuthenticationMiddleware."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from django.conf import settings
from django.test import Client, override_settings

_SPENT: dict[int, list[float]] = defaultdict(list)


def _timer(index: int):
    class Timer:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            start = time.perf_counter()
            try:
                return self.get_response(request)
            finally:
                _SPENT[index].append(time.perf_counter() - start)

    Timer.__name__ = Timer.__qualname__ = f"Timer{index}"
    return Timer


# Enough timers for any stack: Timer0 … Timer39, importable by dotted path.
for _index in range(40):
    globals()[f"Timer{_index}"] = _timer(_index)


def time_stack(user, url: str, runs: int) -> list[tuple[str, float]]:
    """(layer, median µs of its own) for each middleware, then the view."""
    layers = list(settings.MIDDLEWARE)
    interleaved = []
    for index, middleware in enumerate(layers):
        interleaved += [f"{__name__}.Timer{index}", middleware]
    interleaved.append(f"{__name__}.Timer{len(layers)}")
    with override_settings(MIDDLEWARE=interleaved):
        client = Client()
        client.force_login(user)
        for _ in range(3):  # warm-up; the first also renews the session
            client.get(url)
        _SPENT.clear()
        for _ in range(runs):
            if client.get(url).status_code != 200:
                raise RuntimeError(f"{url} did not answer 200")
    spent = {index: list(values) for index, values in _SPENT.items()}
    rows = []
    for index, middleware in enumerate(layers):
        own = [outer - inner for outer, inner in zip(spent[index], spent[index + 1], strict=True)]
        rows.append((middleware, statistics.median(own) * 1e6))
    rows.append(
        (
            "handler: URL, process_view hooks, view, template",
            statistics.median(spent[len(layers)]) * 1e6,
        )
    )
    rows.append(("whole stack", statistics.median(spent[0]) * 1e6))
    return rows
