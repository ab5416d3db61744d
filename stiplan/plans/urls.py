from django.urls import path

from stiplan.plans import views

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("<slug:code>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<slug:code>/export.<str:fmt>", views.PlanExportView.as_view(), name="plan-export"),
    path("<slug:code>/actions/<str:action_code>/", views.ActionDetailView.as_view(),
         name="action-detail"),
]
