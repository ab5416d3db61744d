from django.urls import path

from stiplan.registry import bulk_views, views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/new/", views.ProposeTaskView.as_view(), name="task-propose"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("ip/", views.IPAssetListView.as_view(), name="ip-list"),
    path("files/", bulk_views.TransferView.as_view(), name="registry-transfer"),
    path("files/export/", bulk_views.ExportView.as_view(), name="registry-export"),
    path("councils/", views.CouncilListView.as_view(), name="council-list"),
    path("councils/<int:pk>/", views.CouncilDetailView.as_view(), name="council-detail"),
]
