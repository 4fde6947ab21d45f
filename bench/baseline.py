"""The benchmark's baseline: a bare Django view on the same stack (middleware, sessions, the
site's base template) that runs three small queries. Served only when the benchmark starts
gunicorn with ROOT_URLCONF=bench.baseline."""

from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from courses.models import Module, Track


def baseline(request):
    context = {
        "users": get_user_model().objects.count(),
        "module": Module.objects.order_by("pk").first(),
        "tracks": list(Track.objects.all()[:3]),
    }
    return render(request, "bench/baseline.html", context)


urlpatterns = [path("bench/baseline/", baseline), *site_urlpatterns]
handler500 = "courses.views.server_error"
