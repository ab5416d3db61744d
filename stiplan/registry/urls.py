from django.urls import path

from stiplan.registry import views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/new/", views.ProposeTaskView.as_view(), name="task-propose"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
]
