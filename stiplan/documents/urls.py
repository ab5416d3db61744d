from django.urls import path

from stiplan.documents import views

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document-list"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("<int:pk>/regenerate/", views.RegenerateView.as_view(), name="document-regenerate"),
    path("<int:pk>/file.<str:fmt>", views.DocumentFileView.as_view(), name="document-file"),
    path("templates/", views.TemplateListView.as_view(), name="document-templates"),
    path("templates/<str:kind>/<str:layout>/revert/", views.TemplateRevertView.as_view(),
         name="document-template-revert"),
    path("templates/<str:kind>/<str:layout>.docx", views.TemplateFileView.as_view(),
         name="document-template-file"),
]
