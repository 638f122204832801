from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Registers DRF's own token admin, replaced below by ApiTokenAdmin.
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import Token, TokenProxy

from regions.models import ApiToken, Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.tokens import token_expires_at


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "region__name"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "region"]


class AccountRegionInline(admin.StackedInline):
    """The region of a township official, edited on the user's own page so that
    creating an official is one form: account, group 乡镇干部, region."""

    model = Membership
    fk_name = "user"
    max_num = 1
    extra = 0
    can_delete = True
    autocomplete_fields = ["region"]
    verbose_name = _("所属区域(仅乡镇干部)")
    verbose_name_plural = _("所属区域(仅乡镇干部)")


User = get_user_model()


class AccountAdmin(UserAdmin):
    """Django's user admin plus the role (groups) and region at a glance, and
    the region inline. Roles are the groups of regions/roles.py."""

    inlines = [*UserAdmin.inlines, AccountRegionInline]
    # The e-mail address (optional) is where notices are mailed: asked for
    # when the account is created, not only on its page afterwards.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = [
        "username",
        "first_name",
        "email",
        "role_names",
        "region_name",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_filter = [*UserAdmin.list_filter, "membership__region"]
    search_fields = [*UserAdmin.search_fields, "membership__region__name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("membership__region")
            .prefetch_related("groups")
        )

    @admin.display(description=_("角色"))
    def role_names(self, user) -> str:
        return "、".join(group.name for group in user.groups.all())

    @admin.display(description=_("所属区域"), ordering="membership__region__order")
    def region_name(self, user) -> str:
        membership = getattr(user, "membership", None)
        return membership.region.name if membership else ""

    def save_related(self, request, form, formsets, change):
        """Warn (not refuse) about a township official left without a region:
        they would only see the "not bound" page until one is set."""
        super().save_related(request, form, formsets, change)
        self.warn_if_unbound(
            request,
            form.instance,
            Role.TOWNSHIP,
            Membership,
            gettext("%(user)s 属于乡镇干部组,但尚未绑定区域:登录后将看不到任何数据。"),
        )

    def warn_if_unbound(self, request, user, role: str, binding, message: str) -> None:
        """``message`` as a warning when ``user`` is in ``role``'s group with no
        ``binding`` row (the model binding that role to its region, department…)."""
        in_role = user.groups.filter(name=GROUP_NAMES[role]).exists()
        if in_role and not binding.objects.filter(user=user).exists():
            self.message_user(
                request, message % {"user": user.get_username()}, level=messages.WARNING
            )


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


# --- API tokens -------------------------------------------------------------------


admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(TokenAdmin):
    """Who holds an API token, since when and until when; an administrator
    revokes one by deleting it. The key shows only by its first characters
    (enough to tell tokens apart, useless for calling the API). Tokens are
    obtained by their user with the password (``/api/v1/token/``), never
    made here, and never edited."""

    list_display = ["key_start", "user", "created", "expires", "expired"]
    list_select_related = ["user"]

    @admin.display(description=_("令牌开头"))
    def key_start(self, token) -> str:
        return f"{token.key[:6]}…"

    @admin.display(description=_("过期时间"))
    def expires(self, token):
        return token_expires_at(token)

    @admin.display(description=_("已过期"), boolean=True)
    def expired(self, token) -> bool:
        return token_expires_at(token) <= timezone.now()

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        # By key: the proxy's ``pk`` is the user's id.
        Token.objects.filter(key=obj.key).delete()

    def has_change_permission(self, request, obj=None) -> bool:
        return False
