"""The organisation's learning pages (namespace `compliance`), under /orgs/<org-slug>/: its home
page for members, and for admins the assignments, dashboard, reports, CSV and reminders. Each view
goes through accounts.services.get_organisation_for_user; tests/accounts/test_org_security.py
checks every URL here for every role."""

from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/assignments/", views.assignment_list, name="assignments"),
    path("<slug:slug>/assignments/new/", views.assignment_new, name="assignment_new"),
    path("<slug:slug>/assignments/<str:key>/delete/", views.assignment_delete, name="assignment_delete"),
    path("<slug:slug>/assignments/<str:key>/extend/", views.assignment_extend, name="assignment_extend"),
    path("<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "<slug:slug>/dashboard/modules/<slug:module_slug>/",
        views.module_dashboard,
        name="module_dashboard",
    ),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report.csv", views.report_csv, name="export"),
    path("<slug:slug>/remind/", views.remind_overdue, name="remind"),
]
