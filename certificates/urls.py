from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    # Public: never needs a log-in. The code URL is printed as the QR code: keep it stable.
    path("verify/", views.verify, name="verify"),
    path("verify/credential/", views.verify_credential, name="verify_credential"),
    path("verify/signing-key/", views.signing_key, name="signing_key"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    # The learner's own.
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/manage/", views.manage_list, name="manage"),
    path("certificates/manage/export/", views.export_create, name="export_create"),
    path("certificates/manage/exports/", views.export_list, name="exports"),
    path("certificates/manage/exports/<uuid:token>/", views.export_download, name="export_download"),
    path("certificates/manage/<str:code>/", views.manage_detail, name="manage_detail"),
    path("certificates/manage/<str:code>/pdf/", views.manage_pdf, name="manage_pdf"),
    path("certificates/manage/<str:code>/revoke/", views.revoke, name="revoke"),
    path("certificates/manage/<str:code>/reissue/", views.reissue, name="reissue"),
    # An organisation's owners and admins: the same pages, for their organisation's certificates.
    path("orgs/<slug:slug>/certificates/", views.manage_list, name="org_manage"),
    path("orgs/<slug:slug>/certificates/export/", views.export_create, name="org_export_create"),
    path("orgs/<slug:slug>/certificates/exports/", views.export_list, name="org_exports"),
    path("orgs/<slug:slug>/certificates/<str:code>/", views.manage_detail, name="org_manage_detail"),
    path("orgs/<slug:slug>/certificates/<str:code>/pdf/", views.manage_pdf, name="org_manage_pdf"),
    path("orgs/<slug:slug>/certificates/<str:code>/revoke/", views.revoke, name="org_revoke"),
    path("orgs/<slug:slug>/certificates/<str:code>/reissue/", views.reissue, name="org_reissue"),
    path("certificates/<str:code>/pdf/", views.download_pdf, name="pdf"),
    path("certificates/<str:code>/open-badge/", views.download_badge, name="badge"),
    path("certificates/<str:code>/correct-name/", views.correct_name, name="correct_name"),
]
