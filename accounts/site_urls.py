"""The site's own pages (namespace `site`): who runs it and how to reach them."""

from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("about/", views.about, name="about"),
    path("contact/", views.contact, name="contact"),
]
