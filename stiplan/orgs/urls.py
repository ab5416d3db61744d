from django.urls import path

from stiplan.orgs import views

urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit-list"),
    path("<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
]
