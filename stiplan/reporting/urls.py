from django.urls import path

from stiplan.reporting import views

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", views.OpenRoundView.as_view(), name="round-open"),
    path("rounds/<int:pk>/", views.RoundBoardView.as_view(), name="round-board"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report-detail"),
    path("reports/<int:pk>/template.xlsx", views.TemplateDownloadView.as_view(),
         name="report-template"),
    path("reports/<int:pk>/upload/", views.UploadView.as_view(), name="report-upload"),
    path("reports/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="report-evidence"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="evidence-remove"),
]
