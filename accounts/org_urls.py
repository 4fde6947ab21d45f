"""Organisation URLs about people (namespace `orgs`): /orgs/ and /orgs/<org-slug>/... The
organisation's learning pages (its home page, assignments, dashboard, reports) are in
compliance/urls.py under the same path. Every view here goes through
accounts.services.get_organisation_for_user (or get_membership_for_user);
tests/accounts/test_org_security.py checks each URL for every role, so a new URL without that
check fails it."""

from django.urls import path

from . import invitation_views as invitations
from . import org_views as views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_new, name="new"),
    path("<slug:slug>/leave/", views.organisation_leave, name="leave"),
    path("<slug:slug>/settings/", views.organisation_settings, name="settings"),
    path("<slug:slug>/join-link/", views.organisation_join_link, name="join_link"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/<str:key>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<str:key>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/groups/", views.group_list, name="groups"),
    path("<slug:slug>/groups/<str:key>/", views.group_detail, name="group"),
    path("<slug:slug>/groups/<str:key>/delete/", views.group_remove, name="group_delete"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/invitations/", invitations.invitation_list, name="invitations"),
    path("<slug:slug>/invitations/bulk/", invitations.invitation_bulk, name="invite_bulk"),
    path(
        "<slug:slug>/invitations/<str:token>/resend/",
        invitations.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<str:token>/revoke/",
        invitations.invitation_revoke_view,
        name="invitation_revoke",
    ),
]
