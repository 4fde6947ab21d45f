"""Links people follow to join an organisation: an e-mailed invitation or a join link."""

from django.urls import path

from . import invitation_views as views

app_name = "invitations"
urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept_view, name="accept"),
    path("join/<str:code>/", views.join_view, name="join"),
]
