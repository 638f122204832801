from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("plan/", views.PlanView.as_view(), name="plan"),
]
