from django.urls import path

from stiplan.plans import views

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("import/", views.PlanImportView.as_view(), name="plan-import"),
    path("drafts/<int:pk>/", views.DraftReviewView.as_view(), name="draft-review"),
    path("drafts/<int:pk>/source", views.DraftSourceView.as_view(), name="draft-source"),
    path("<slug:code>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<slug:code>/export.<str:fmt>", views.PlanExportView.as_view(), name="plan-export"),
    path("<slug:code>/versions/", views.PlanVersionsView.as_view(), name="plan-versions"),
    path("<slug:code>/versions/<int:version>/file", views.AmendmentFileView.as_view(),
         name="amendment-file"),
    path("<slug:code>/edit/", views.PlanEditView.as_view(), name="plan-edit"),
    path("<slug:code>/edit/delete/", views.PlanItemDeleteView.as_view(), name="plan-item-delete"),
    path("<slug:code>/amend/", views.PlanAmendView.as_view(), name="plan-amend"),
    path("<slug:code>/actions/<str:action_code>/", views.ActionDetailView.as_view(),
         name="action-detail"),
]
