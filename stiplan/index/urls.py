from django.urls import path

from stiplan.index import views

urlpatterns = [
    path("", views.IndexHomeView.as_view(), name="index-home"),
    path("<int:year>/entry/", views.EntryView.as_view(), name="index-entry"),
    path("<int:year>/compute/", views.ComputeView.as_view(), name="index-compute"),
    path("<int:year>/package.zip", views.PackageView.as_view(), name="index-package"),
    path("<int:year>/<str:province>/", views.ProfileView.as_view(), name="index-profile"),
    path("<int:year>/<str:province>/what-if/", views.WhatIfView.as_view(), name="index-whatif"),
    path("values/<int:value_id>/check/", views.CheckView.as_view(), name="index-check"),
    path("values/<int:value_id>/review/", views.ReviewView.as_view(), name="index-review"),
    path("values/<int:value_id>/evidence/", views.EvidenceView.as_view(), name="index-evidence"),
]
