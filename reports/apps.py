from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("填报与进度")

    def ready(self):
        import plotly.io as pio

        # Once per process: a template passed per figure costs ~11 ms each.
        pio.templates.default = "plotly_white"

        from reports.versions import connect_signals

        connect_signals()
