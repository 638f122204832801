"""A plan's data version: what the reused progress tables are keyed on.

Every write that can change a number a page shows — figures, targets, the plan
and its regions, indicators and goals, the goals' own series, reports
submitted, approved or returned, quarters closed or reopened, measures and
their reports — calls ``bump_data_version(plan_id)`` in its own transaction,
so the new version becomes visible together with the data (and not at all if
the write rolls back). A page reads the version (``current_data_version``:
one query) and looks its computed table up under it; a write therefore makes
every table computed before it unreachable, on every server sharing the
cache, without anyone clearing anything.

The version is a token (a new random one per bump) besides a counter: a
database restored from a backup or a test rolled back goes back to an old
counter, but never back to a token some other state of the data was cached
under.

Two ways a write bumps:

- explicitly, in the services that write in bulk (``bulk_create``,
  ``update()``: no signals): ``bump_data_version(plan.pk)``;
- through signals (``post_save``, ``post_delete``, ``m2m_changed``) on every
  model listed in ``watch``: the admin, management commands and any
  ``save()``/``delete()`` bump without knowing about versions.

For a new kind of write (the incubator ledger's rows): call
``bump_data_version(plan_id)`` inside the write's ``transaction.atomic``, or
register the model with ``watch(Model, plan_of)``, or decorate the write with
``bumps_data_version``.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _new_token() -> str:
    return uuid.uuid4().hex


class DataVersion(models.Model):
    """One row per plan, changed only by ``bump_data_version``."""

    plan = models.OneToOneField(
        "targets.Plan",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="data_version",
        verbose_name=_("计划"),
    )
    counter = models.PositiveBigIntegerField(_("版本号"), default=1)
    token = models.CharField(_("版本标识"), max_length=32, default=_new_token)

    class Meta:
        app_label = "targets"
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.counter}"

    @property
    def key(self) -> str:
        return f"{self.counter}-{self.token}"


def bump_data_version(plan_id: int | None = None, **plan_filter) -> None:
    """Make the plan's computed tables stale: one UPDATE, inside the caller's
    transaction (call it from within the write's ``transaction.atomic``).

    ``plan_id`` names the plan; or ``plan_filter`` finds it through a relation
    (``plan__indicators=indicator_id``) when the writer only knows a child.
    Never creates the row (a plan gets it when created, ``_plan_created``): in
    a plan's deletion the children's signals come after the row is gone, and
    recreating it would dangle. A plan without a row is never reused."""
    if plan_id is not None:
        plan_filter = {"plan_id": plan_id}
    connection = transaction.get_connection()
    key = tuple(sorted(plan_filter.items()))
    if _still_pending(connection, key):
        return
    DataVersion.objects.filter(**plan_filter).update(counter=F("counter") + 1, token=_new_token())
    _note_pending(connection, key)


# One bump per transaction is enough, as long as nobody read the version after
# it. A write of many rows through signals (a cascade deleting a plan's
# 20,000 figures, the admin saving inlines, the demo seed) would otherwise
# issue one UPDATE per row: each bump in a transaction after the first changes
# nothing another connection can see (they see the commit, which carries the
# first bump), and this connection's own readers go through
# ``current_data_version``, which forgets the pending bumps so that the next
# write bumps again. A bump is pending while its marker is among the
# connection's on-commit callbacks: Django drops those when the transaction
# (or the savepoint the bump was made in) rolls back, and runs them at commit,
# so a rolled-back bump is never taken for a pending one.


class _Pending:
    """The on-commit marker of a bump not yet committed (does nothing)."""

    def __call__(self) -> None:
        pass


def _pending(connection) -> dict:
    return connection.__dict__.setdefault("_data_versions_pending", {})


def _still_pending(connection, key: tuple) -> bool:
    marker = _pending(connection).get(key)
    if marker is None or not connection.in_atomic_block:
        return False
    return any(callback is marker for _sids, callback, _robust in connection.run_on_commit)


def _note_pending(connection, key: tuple) -> None:
    pending = _pending(connection)
    if not connection.in_atomic_block:
        pending.clear()  # committed already (autocommit): nothing is pending
        return
    marker = _Pending()
    connection.on_commit(marker)
    pending[key] = marker


def _forget_pending() -> None:
    transaction.get_connection().__dict__.pop("_data_versions_pending", None)


def bumps_data_version(plan_of: Callable[..., int]):
    """Decorator for a write function: runs it in a transaction and bumps the
    version of the plan ``plan_of(*args, **kwargs)`` names, in the same one."""

    def decorate(write):
        @functools.wraps(write)
        def wrapper(*args, **kwargs):
            with transaction.atomic():
                result = write(*args, **kwargs)
                bump_data_version(plan_of(*args, **kwargs))
                return result

        return wrapper

    return decorate


def current_data_version(plan_id: int) -> str | None:
    """The plan's data version as a cache-key part: one indexed query. None
    when the plan has no version row (nothing may then be reused)."""
    _forget_pending()  # a write after this read must bump again
    row = DataVersion.objects.filter(plan_id=plan_id).values_list("counter", "token").first()
    return None if row is None else f"{row[0]}-{row[1]}"


# ---------------------------------------------------------------- signals


def watch(model, plan_of: Callable[[models.Model], dict]) -> None:
    """Bump on every save and delete of ``model``; ``plan_of(instance)`` gives
    the ``bump_data_version`` filter that finds its plan (e.g.
    ``{"plan_id": instance.plan_id}``), read from ids only so a delete in a
    cascade does not query rows already gone."""

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return  # loaddata: the fixture's plan gets its version below
        bump_data_version(**plan_of(instance))

    uid = f"data-version-{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + "-save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + "-delete")


def watch_m2m(through, plan_of: Callable[[models.Model], dict]) -> None:
    """Bump when a many-to-many relation (its ``through``) changes."""

    def changed(sender, instance, action, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            bump_data_version(**plan_of(instance))

    m2m_changed.connect(
        changed, sender=through, weak=False, dispatch_uid=f"data-version-m2m-{through._meta.label}"
    )


def by_plan(instance) -> dict:
    return {"plan_id": instance.plan_id}


def _plan_created(sender, instance, created, **kwargs):
    if created:
        DataVersion.objects.bulk_create([DataVersion(plan_id=instance.pk)], ignore_conflicts=True)
    elif not kwargs.get("raw"):
        bump_data_version(instance.pk)


def connect_signals() -> None:
    """The plan's own models (targets) and its regions (regions, below
    targets: it cannot know about versions itself). ``reports`` watches its
    own models in its ``AppConfig.ready``."""
    from regions.models import Region
    from targets.measures import Department
    from targets.models import Goal, Indicator, Measure, MeasureDepartment, Plan, Target, WorkItem

    post_save.connect(_plan_created, sender=Plan, dispatch_uid="data-version-plan")
    watch(Region, by_plan)
    watch(Indicator, by_plan)
    watch(Goal, by_plan)
    watch(Department, by_plan)
    watch(Measure, by_plan)
    watch(Target, lambda target: {"plan__indicators": target.indicator_id})
    watch(MeasureDepartment, lambda link: {"plan__measures": link.measure_id})
    watch(WorkItem, lambda item: {"plan__measures": item.measure_id})
    watch_m2m(Measure.departments.through, by_plan)
    # What the plan says about its ledger and its evaluation.
    from targets.evaluation import EvaluationCriterion, EvaluationThresholds
    from targets.ledger import Industry, LedgerFlag, LedgerSource

    for model in (Industry, LedgerFlag, LedgerSource, EvaluationCriterion, EvaluationThresholds):
        watch(model, by_plan)
    watch_m2m(LedgerSource.flags.through, by_plan)
