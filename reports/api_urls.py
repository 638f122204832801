from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token

from reports import api

app_name = "api"

urlpatterns = [
    path("plan/", api.PlanAPIView.as_view(), name="plan"),
    path("progress/", api.ProgressAPIView.as_view(), name="progress"),
    # POST username + password → {"token": "…"} for scripts.
    path("token/", login_not_required(obtain_auth_token), name="token"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
]
