"""Facilitated sessions (namespace `facilitation`): the facilitator's pages under
/orgs/<org-slug>/sessions/, and the attendees' join page."""

from django.urls import path

from . import views

app_name = "facilitation"
urlpatterns = [
    path("session/join/", views.join, name="join"),
    path("orgs/<slug:slug>/sessions/", views.session_list, name="list"),
    path("orgs/<slug:slug>/sessions/new/", views.session_new, name="new"),
    path("orgs/<slug:slug>/sessions/<str:key>/", views.session_detail, name="detail"),
    path("orgs/<slug:slug>/sessions/<str:key>/end/", views.session_end_view, name="end"),
    path("orgs/<slug:slug>/sessions/<str:key>/present/", views.session_present, name="present_start"),
    path("orgs/<slug:slug>/sessions/<str:key>/present/<int:step>/", views.session_present, name="present"),
    path("orgs/<slug:slug>/sessions/<str:key>/attendance.csv", views.sheet_csv_view, name="sheet_csv"),
    path("orgs/<slug:slug>/sessions/<str:key>/attendance.pdf", views.sheet_pdf_view, name="sheet_pdf"),
]
