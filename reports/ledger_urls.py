"""The ledger's pages (included in ``reports.urls`` under the same namespace)."""

from django.urls import path

from reports.views import ledger, ledger_duplicates, ledger_edit

urlpatterns = [
    path("ledger/incubators/", ledger.IncubatorListView.as_view(), name="ledger_incubators"),
    path(
        "ledger/incubators/new/",
        ledger_edit.IncubatorCreateView.as_view(),
        name="ledger_incubator_create",
    ),
    path(
        "ledger/incubators/<int:incubator>/",
        ledger.IncubatorDetailView.as_view(),
        name="ledger_incubator",
    ),
    path(
        "ledger/incubators/<int:incubator>/edit/",
        ledger_edit.IncubatorEditView.as_view(),
        name="ledger_incubator_edit",
    ),
    path(
        "ledger/incubators/<int:incubator>/recognitions/",
        ledger_edit.RecognitionAddView.as_view(),
        name="ledger_recognition_add",
    ),
    path(
        "ledger/incubators/<int:incubator>/titles/",
        ledger_edit.IncubatorFlagAddView.as_view(),
        name="ledger_incubator_flag",
    ),
    path("ledger/enterprises/", ledger.EnterpriseListView.as_view(), name="ledger_enterprises"),
    path(
        "ledger/enterprises/new/",
        ledger_edit.EnterpriseCreateView.as_view(),
        name="ledger_enterprise_create",
    ),
    path(
        "ledger/enterprises/<int:enterprise>/edit/",
        ledger_edit.EnterpriseEditView.as_view(),
        name="ledger_enterprise_edit",
    ),
    path(
        "ledger/enterprises/<int:enterprise>/titles/",
        ledger_edit.EnterpriseFlagAddView.as_view(),
        name="ledger_enterprise_flag",
    ),
    path(
        "ledger/duplicates/",
        ledger_duplicates.DuplicatesView.as_view(),
        name="ledger_duplicates",
    ),
]
