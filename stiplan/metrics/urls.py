from django.urls import path

from stiplan.metrics import views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("actions/", views.ActionBoardView.as_view(), name="action-board"),
    path("<slug:code>/", views.IndicatorView.as_view(), name="indicator-detail"),
    path("<slug:code>/data.<str:fmt>", views.IndicatorDownloadView.as_view(),
         name="indicator-download"),
]
