from django.urls import path

from reports.ledger_urls import urlpatterns as ledger_urlpatterns
from reports.views import briefing as briefing_views
from reports.views import dashboards as views
from reports.views import deadlines as deadline_views
from reports.views import entry as entry_views
from reports.views import goals as goal_views
from reports.views import ledger_entry as ledger_entry_views
from reports.views import ledger_evaluation as evaluation_views
from reports.views import ledger_reconcile
from reports.views import ledger_upload as ledger_upload_views
from reports.views import measures as measure_views
from reports.views import notices as notice_views
from reports.views import report as report_views
from reports.views import review as review_views
from reports.views import upload as upload_views

app_name = "reports"

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("goals/", goal_views.GoalsView.as_view(), name="goals"),
    path("goals/entry/", goal_views.GoalEntryView.as_view(), name="goal_entry"),
    path(
        "ledger/reconcile/",
        ledger_reconcile.LedgerReconcileView.as_view(),
        name="ledger_reconcile",
    ),
    path("report/", report_views.ReportView.as_view(), name="report"),
    path("townships/<slug:region>/", views.TownshipView.as_view(), name="township"),
    path("briefing/", briefing_views.BriefingView.as_view(), name="briefing"),
    path("briefing/save/", briefing_views.BriefingSaveView.as_view(), name="briefing_save"),
    path("briefing/word/", briefing_views.BriefingWordView.as_view(), name="briefing_word"),
    path(
        "briefing/townships/<slug:region>/",
        briefing_views.BriefingView.as_view(),
        name="briefing_region",
    ),
    path(
        "briefing/townships/<slug:region>/save/",
        briefing_views.BriefingSaveView.as_view(),
        name="briefing_region_save",
    ),
    path(
        "briefing/townships/<slug:region>/word/",
        briefing_views.BriefingWordView.as_view(),
        name="briefing_region_word",
    ),
    path("indicators/<slug:indicator>/", views.IndicatorView.as_view(), name="indicator"),
    path("entry/", entry_views.EntryView.as_view(), name="entry"),
    path("entry/template/", upload_views.TemplateDownloadView.as_view(), name="entry_template"),
    path("entry/upload/", upload_views.UploadView.as_view(), name="upload"),
    path("entry/upload/<int:pk>/", upload_views.UploadPreviewView.as_view(), name="upload_preview"),
    path("entry/submit/", entry_views.SubmitView.as_view(), name="entry_submit"),
    path(
        "ledger/operating/",
        ledger_entry_views.OperatingEntryView.as_view(),
        name="ledger_operating",
    ),
    path(
        "ledger/operating/template/",
        ledger_upload_views.OperatingTemplateView.as_view(),
        name="ledger_operating_template",
    ),
    path("ledger/upload/", ledger_upload_views.LedgerUploadView.as_view(), name="ledger_upload"),
    path(
        "ledger/upload/<int:pk>/",
        ledger_upload_views.LedgerUploadPreviewView.as_view(),
        name="ledger_upload_preview",
    ),
    path("ledger/export/", ledger_upload_views.LedgerExportView.as_view(), name="ledger_export"),
    path("review/", review_views.ReviewView.as_view(), name="review"),
    path(
        "review/approve/",
        review_views.ReviewActionView.as_view(action="approve"),
        name="review_approve",
    ),
    path(
        "review/return/",
        review_views.ReviewActionView.as_view(action="return"),
        name="review_return",
    ),
    path("quarters/", entry_views.QuartersView.as_view(), name="quarters"),
    path(
        "quarters/close/",
        entry_views.QuarterActionView.as_view(action="close"),
        name="quarter_close",
    ),
    path(
        "quarters/reopen/",
        entry_views.QuarterActionView.as_view(action="reopen"),
        name="quarter_reopen",
    ),
    path("quarters/due/", deadline_views.QuarterDueDateView.as_view(), name="quarter_due"),
    path(
        "ledger/evaluation/",
        evaluation_views.EvaluationView.as_view(),
        name="ledger_evaluation",
    ),
    path("notices/", notice_views.NoticeListView.as_view(), name="notices"),
    path("notices/<int:pk>/read/", notice_views.NoticeReadView.as_view(), name="notice_read"),
    path("measures/", measure_views.MeasureBoardView.as_view(), name="measures"),
    path(
        "measures/<int:measure>/report/",
        measure_views.MeasureReportView.as_view(),
        name="measure_report",
    ),
    path(
        "measures/<int:measure>/work-items/",
        measure_views.WorkItemAddView.as_view(),
        name="work_item_add",
    ),
    path(
        "measures/work-items/<int:item>/done/",
        measure_views.WorkItemDoneView.as_view(),
        name="work_item_done",
    ),
    path(
        "measures/attachments/<int:attachment>/",
        measure_views.MeasureAttachmentView.as_view(),
        name="measure_attachment",
    ),
    path(
        "departments/<slug:department>/",
        measure_views.DepartmentView.as_view(),
        name="department",
    ),
    path("history/", entry_views.HistoryView.as_view(), name="history_county"),
    path("history/<slug:region>/", entry_views.HistoryView.as_view(), name="history"),
    *ledger_urlpatterns,
]
