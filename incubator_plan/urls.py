from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from reports.views.dashboards import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("targets.urls")),
    path("", include("reports.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("accounts/", include("regions.account_urls")),
    # The language switch is on the login page too, so it must work before login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE

# A write that waited out SQLite's lock says "busy, try again" (503), not 500.
handler500 = "incubator_plan.errors.server_error"
