from django.urls import path

from stiplan.portal import views

urlpatterns = [
    path("", views.DatasetListView.as_view(), name="dataset-list"),
    path("catalog.json", views.CatalogView.as_view(), name="data-catalog"),
    path("dhis2/datavalues.csv", views.Dhis2View.as_view(), name="data-dhis2"),
    path("<slug:slug>/", views.DatasetDetailView.as_view(), name="dataset-detail"),
    path("<slug:slug>.<str:fmt>", views.DatasetFileView.as_view(), name="dataset-file"),
]
