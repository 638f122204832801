from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_role_groups(sender, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions

    from regions.services import ensure_role_groups

    # Permissions of apps migrated after this one do not exist yet: create them
    # first (idempotent), then the groups that hold them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups()


class RegionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "regions"
    verbose_name = _("区域与账号")

    def ready(self):
        from regions import history, lookups
        from regions.tokens import connect_signals

        lookups.register()
        post_migrate.connect(_create_role_groups, sender=self, dispatch_uid="regions.role_groups")
        connect_signals()
        history.connect_signals()
