import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import DeleteAccountForm, ProfileForm
from .privacy import user_delete, user_export


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    """POST so that a link or a prefetch can't make a copy of someone's data."""
    data = json.dumps(user_export(user=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"onguard-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your learning records have been deleted."))
        return redirect("courses:home")
    return render(request, "accounts/delete.html", {"form": form})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


def _site(request: HttpRequest) -> dict:
    return {"operator": settings.SITE_OPERATOR, "support_email": settings.SUPPORT_EMAIL}


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    """Who runs the site, what it is for and how to reach them (review: a trust frame)."""
    return render(request, "accounts/about.html", _site(request))


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach the people who run the site, and what to write for the common requests."""
    return render(request, "accounts/contact.html", _site(request))
