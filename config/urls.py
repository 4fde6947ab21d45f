from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config.health import healthz

# The admin's own log-in form bypasses allauth's rate limits (and two-factor sign-in): send it
# through the site's log-in instead, which redirects back to the admin (review M1).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("facilitation.urls")),
    path("orgs/", include("accounts.org_urls")),
    path("orgs/", include("compliance.urls")),
    path("orgs/", include("sso.urls")),
    path("orgs/", include("lti.org_urls")),
    path("lti/", include("lti.urls")),
    path("", include("accounts.invitation_urls")),
    path("", include("accounts.site_urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("", include("courses.urls")),
]
# Uploaded logos, served by Django only in development; production serves MEDIA_ROOT itself.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database error is the 503 page; anything else the friendly 500 (config/errors.py).
handler500 = "config.errors.server_error"
