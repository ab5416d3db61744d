from django.urls import path

from stiplan.registry import bulk_views, views
from stiplan.registry.exchange import views as exchange
from stiplan.registry.recognition import views as recognition

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/new/", views.ProposeTaskView.as_view(), name="task-propose"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("ip/", views.IPAssetListView.as_view(), name="ip-list"),
    path("labs/", exchange.LabListView.as_view(), name="lab-list"),
    path("labs/<int:pk>/", exchange.LabDetailView.as_view(), name="lab-detail"),
    path("offers/", exchange.OfferListView.as_view(), name="offer-list"),
    path("offers/<int:pk>/", exchange.OfferDetailView.as_view(), name="offer-detail"),
    path("demands/", exchange.DemandListView.as_view(), name="demand-list"),
    path("demands/<int:pk>/", exchange.DemandDetailView.as_view(), name="demand-detail"),
    path("offers/<int:pk>/contact/", exchange.OfferContactView.as_view(), name="offer-contact"),
    path("demands/<int:pk>/contact/", exchange.DemandContactView.as_view(), name="demand-contact"),
    path("messages/", exchange.MessageListView.as_view(), name="listing-messages"),
    path("files/", bulk_views.TransferView.as_view(), name="registry-transfer"),
    path("files/export/", bulk_views.ExportView.as_view(), name="registry-export"),
    path("files/imports/<int:pk>/", bulk_views.ImportJobView.as_view(), name="registry-import-job"),
    path("councils/", views.CouncilListView.as_view(), name="council-list"),
    path("councils/<int:pk>/", views.CouncilDetailView.as_view(), name="council-detail"),
    path("competitions/", recognition.CompetitionListView.as_view(), name="competition-list"),
    path("competitions/<int:pk>/", recognition.CompetitionDetailView.as_view(),
         name="competition-detail"),
    path("scorecard/<int:year>/", recognition.ScorecardView.as_view(), name="scorecard"),
    path("scorecard/<int:year>/xlsx/", recognition.ScorecardExportView.as_view(),
         name="scorecard-export"),
]
