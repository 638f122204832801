from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("计划与目标")

    def ready(self):
        from targets.versioning import connect_signals

        connect_signals()
