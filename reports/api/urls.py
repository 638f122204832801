from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from reports.api import views as api
from reports.api.measures import MeasuresAPIView

app_name = "api"

urlpatterns = [
    path("plan/", api.PlanAPIView.as_view(), name="plan"),
    path("progress/", api.ProgressAPIView.as_view(), name="progress"),
    path("goals/", api.GoalsAPIView.as_view(), name="goals"),
    path("measures/", MeasuresAPIView.as_view(), name="measures"),
    # POST username + password → {"token": "…", "expires": "…"} for scripts.
    path("token/", api.TokenAPIView.as_view(), name="token"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
]
