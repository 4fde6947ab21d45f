"""What an LMS calls, and the pages of a launch (namespace `lti`), under /lti/."""

from django.urls import path

from . import views

app_name = "lti"
urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", views.deep_link_answer, name="deep_link"),
    path("continue/<str:token>/", views.continue_view, name="continue"),
    path("register/<str:token>/", views.dynamic_registration, name="register"),
]
