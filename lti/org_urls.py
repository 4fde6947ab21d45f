"""An organisation's LMS connections (namespace `lms`), under /orgs/<org-slug>/lms/.
tests/accounts/test_org_security.py checks each URL for every role."""

from django.urls import path

from . import views

app_name = "lms"
urlpatterns = [
    path("<slug:slug>/lms/", views.platforms, name="platforms"),
    path("<slug:slug>/lms/registration-link/", views.registration_link_new, name="registration_link"),
    path("<slug:slug>/lms/<str:key>/remove/", views.platform_delete, name="platform_remove"),
    path("<slug:slug>/lms/courses/<str:key>/", views.course_roster, name="course"),
    path("<slug:slug>/lms/courses/<str:key>/sync/", views.course_sync, name="course_sync"),
]
