from django.urls import path

from stiplan.registry import views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/new/", views.ProposeTaskView.as_view(), name="task-propose"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("councils/", views.CouncilListView.as_view(), name="council-list"),
    path("councils/<int:pk>/", views.CouncilDetailView.as_view(), name="council-detail"),
]
