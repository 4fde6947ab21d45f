from django.urls import path

from . import views
from .languages import language_set

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("my-data/", views.data_export, name="data_export"),
    path("delete/", views.delete_account, name="delete"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", language_set, name="language"),
]
