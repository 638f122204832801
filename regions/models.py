"""Places (townships, zones) and who belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from regions.roles import VIEW_ALL_REGIONS
from regions.text import refuse_unsafe_characters


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegionQuerySet:
        """The scoping choke point: the regions ``user`` may see.

        Every view, export, chart and API call gets its regions (and through them
        its figures and targets) from here. County staff, leaders and
        administrators see every region; a township official sees the one region
        bound to them; anyone else sees none.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm(VIEW_ALL_REGIONS):
            return self.all()
        region_id = region_id_of(user)
        if region_id is None:
            return self.none()
        return self.filter(pk=region_id)


def sees_whole_county(user) -> bool:
    """County-wide figures (totals, county-only indicators, rankings) are for
    those who may see every region."""
    return user.is_authenticated and user.is_active and user.has_perm(VIEW_ALL_REGIONS)


def region_id_of(user) -> int | None:
    """The region a township official is bound to, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.membership.region_id
    except Membership.DoesNotExist:
        return None


class Region(models.Model):
    """A township or zone of a plan. The county is their sum, never a region."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="regions", verbose_name=_("计划")
    )
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100, validators=[refuse_unsafe_characters])
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["plan", "order", "pk"]
        permissions = [("view_all_regions", _("可查看全县及所有区域"))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="region_code_unique"),
            models.UniqueConstraint(fields=["plan", "name"], name="region_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Binds a township official to the one region they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("用户"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="members", verbose_name=_("区域")
    )

    class Meta:
        verbose_name = _("区域归属")
        verbose_name_plural = _("区域归属")

    def __str__(self) -> str:
        return f"{self.user} → {self.region}"


class ApiToken(TokenProxy):
    """An API token as the admin shows it: whose, when created, when it
    expires; the key only by its first characters (``regions.tokens``)."""

    class Meta:
        proxy = True
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return _("%(user)s 的令牌(%(start)s…)") % {
            "user": self.user.get_username(),
            "start": self.key[:6],
        }
