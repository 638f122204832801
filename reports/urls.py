from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("townships/<slug:region>/", views.TownshipView.as_view(), name="township"),
    path("indicators/<slug:indicator>/", views.IndicatorView.as_view(), name="indicator"),
]
