"""An organisation's sign-in settings (namespace `sso`), under /orgs/<org-slug>/sign-in/.
tests/accounts/test_org_security.py checks each URL for every role."""

from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("<slug:slug>/sign-in/", views.sign_in_settings, name="settings"),
    path("<slug:slug>/sign-in/<str:key>/check/", views.domain_check, name="domain_check"),
    path("<slug:slug>/sign-in/<str:key>/require/", views.domain_require, name="domain_require"),
    path("<slug:slug>/sign-in/<str:key>/remove/", views.domain_delete, name="domain_remove"),
]
