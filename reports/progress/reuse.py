"""Computed progress reused until the data changes.

A page (or an API call) reaches the progress table through a
``ProgressSource``: the plan, the user's scope (``scope_key``: the whole
county, or one region) and whether submitted reports count. It reads the
plan's data version once (``targets.versioning.current_data_version``: one
query) and looks each computed thing — the scope's reporting, its default
quarter, the plan data and the table as of a quarter, the goals — up under a
key made of the plan, that version, the scope and what was asked. Every write
that can change a number bumps the version in its own transaction, so an
entry computed before a write is never found again: a reader sees either the
state before the write or after it, never a mix, and never an old number once
the write is committed.

Two tiers, both Django caches:

- ``caches["progress"]``: this process's entries as live objects
  (``live_cache.LiveObjectCache``): a reused table costs a dictionary look-up;
- ``caches["default"]`` when it is shared (``CACHE_URL`` redis:// or db://):
  entries pickled for the other app servers, read on a local miss. Pickling
  a thousand-region table takes about half a second, so during a request it
  is stored once the response has gone out (``request_finished``), not while
  the user waits. With the in-process default (locmem) there is no second
  tier; with ``dummy://`` nothing is reused at all.

What is not keyed: the language (the table holds no translated text: status
codes, names from the database) and the settings (``Bands`` are read at start).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db.models import QuerySet
from django.utils.functional import cached_property

from regions.models import Region
from reports.progress.engine import Period
from reports.progress.queries import (
    PlanData,
    ScopedReporting,
    latest_period,
    load_plan_data,
    load_reporting,
    progress_table,
)
from reports.progress.table import ProgressTable
from targets.models import Plan
from targets.versioning import current_data_version

T = TypeVar("T")

LOCAL = "progress"
SHARED = "default"
COUNTY = "county"


def scope_key(whole_county: bool, own_region: Region | None) -> str:
    """What the user may see, as a key part: the whole county, or the one
    region a township official is bound to (``Region.objects.visible_to``
    gives them exactly that one)."""
    if whole_county:
        return COUNTY
    if own_region is None:
        raise ValueError("a scope that is not the whole county has a region")
    return f"region-{own_region.pk}"


def _tiers():
    """(local, shared or None), or None when nothing may be reused."""
    shared = caches[SHARED]
    if isinstance(shared, DummyCache):
        return None
    return caches[LOCAL], (None if isinstance(shared, LocMemCache) else shared)


_MISSING = object()


def reuse(plan_id: int, version: str | None, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``parts`` of the plan at ``version``, from the
    cache when an earlier request computed it at the same version. ``version``
    None (a plan without a version row): computed every time."""
    tiers = _tiers()
    if version is None or tiers is None:
        return compute()
    local, shared = tiers
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"progress:{plan_id}:{version}:{digest}"
    found = local.get(key, _MISSING)
    if found is _MISSING and shared is not None:
        found = shared.get(key, _MISSING)
        if found is not _MISSING:
            local.set(key, found)
    if found is not _MISSING:
        return found
    value = compute()
    local.set(key, value)
    if shared is not None:
        _share(shared, key, value)
    return value


_requests = threading.local()


def _share(shared, key: str, value) -> None:
    """Into the shared tier: after the response when inside a request."""
    pending = getattr(_requests, "pending", None)
    if pending is None:
        shared.set(key, value)
    else:
        pending.append((shared, key, value))


def _request_started(**kwargs) -> None:
    _requests.pending = []


def _request_finished(**kwargs) -> None:
    pending, _requests.pending = getattr(_requests, "pending", None) or [], None
    for shared, key, value in pending:
        shared.set(key, value)


request_started.connect(_request_started, dispatch_uid="progress-reuse-started")
request_finished.connect(_request_finished, dispatch_uid="progress-reuse-finished")


def clear_local() -> None:
    """Forget this process's entries (tests; never needed for correctness)."""
    caches[LOCAL].clear()


class ProgressSource:
    """One request's way to the scoped reporting, plan data and progress
    tables, reused across requests at the same data version."""

    def __init__(
        self,
        plan: Plan,
        regions: QuerySet[Region],
        *,
        whole_county: bool,
        scope: str,
        include_submitted: bool = False,
    ):
        self.plan = plan
        self.regions = regions
        self.whole_county = whole_county
        self.scope = scope
        self.include_submitted = include_submitted

    @cached_property
    def version(self) -> str | None:
        return current_data_version(self.plan.pk)

    def reuse(self, parts: tuple, compute: Callable[[], T]) -> T:
        key = (self.scope, self.include_submitted, *parts)
        return reuse(self.plan.pk, self.version, key, compute)

    @cached_property
    def reporting(self) -> ScopedReporting:
        """The scope's regions and who reported what (``load_reporting``)."""
        return self.reuse(
            ("reporting",),
            lambda: load_reporting(
                self.plan, self.regions, include_submitted=self.include_submitted
            ),
        )

    @cached_property
    def latest_period(self) -> Period:
        """The quarter pages open on (``latest_period``)."""
        return self.reuse(
            ("latest",),
            lambda: latest_period(
                self.plan, self.regions, whole_county=self.whole_county, scoped=self.reporting
            ),
        )

    def table(
        self,
        period: Period,
        *,
        county_rows: bool = True,
        indicator_code: str | None = None,
        series: bool = False,
        only_regions: set[int] | None = None,
    ) -> tuple[PlanData, ProgressTable]:
        """The plan data (``load_plan_data``) and the table as of ``period``.

        ``county_rows``: read the county-level rows (only for the whole
        county); ``series``: every quarter's figures (charts over time), else
        the database's sums for ``period``; ``indicator_code``/``only_regions``
        narrow what is read."""
        whole = self.whole_county and county_rows
        regions = None if only_regions is None else tuple(sorted(only_regions))

        def compute() -> tuple[PlanData, ProgressTable]:
            data = load_plan_data(
                self.plan,
                self.regions,
                whole_county=whole,
                indicator_code=indicator_code,
                summarise_for=None if series else period,
                scoped=self.reporting,
                only_regions=only_regions,
            )
            return data, progress_table(data, period)

        return self.reuse(("table", period.code, whole, indicator_code, series, regions), compute)

    def targets(self) -> PlanData:
        """Indicators, regions and targets only (no figures)."""
        return self.reuse(
            ("targets", self.whole_county),
            lambda: load_plan_data(
                self.plan, self.regions, whole_county=self.whole_county, with_figures=False
            ),
        )
