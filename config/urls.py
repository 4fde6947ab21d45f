from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("", include("courses.urls")),
]
