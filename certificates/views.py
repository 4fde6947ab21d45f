import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.services import get_organisation_for_user

from . import openbadges
from .codes import normalise
from .currency import certificate_currency
from .exports import certificate_logo
from .forms import CredentialForm, ExportForm, ManageFilterForm, RevokeForm, VerifyForm
from .models import Certificate, CertificateExport
from .pdf import PAPER, certificate_pdf
from .ratelimit import ratelimit_allow, ratelimit_used
from .services import (
    certificate_correct_name,
    certificate_export_create,
    certificate_lookup,
    certificate_reissue,
    certificate_revoke,
    certificates_for_learner,
    certificates_for_manager,
    exports_for_user,
    get_certificate_for_manager,
    get_certificate_for_user,
    get_export_for_user,
    require_certificate_manager,
)

PAGE_SIZE = 50


# --- Public verification ---------------------------------------------------------------------


def _limited_response(request: HttpRequest) -> HttpResponse:
    window = settings.CERTIFICATE_VERIFY_RATE_WINDOW
    response = render(
        request, "certificates/rate_limited.html", {"minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    """Checks that find nothing (or cannot be read) are what guessing codes looks like: they count
    against the strict limit, before the look-up. (Review friction 16: an HR person checking a
    batch of real certificates must not be stopped by it; see _found_limited.)"""
    window = settings.CERTIFICATE_VERIFY_RATE_WINDOW
    if ratelimit_used(request, scope="verify", window=window) >= settings.CERTIFICATE_VERIFY_RATE_LIMIT:
        return _limited_response(request)
    return None


def _count_miss(request: HttpRequest) -> None:
    ratelimit_allow(
        request,
        scope="verify",
        limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT,
        window=settings.CERTIFICATE_VERIFY_RATE_WINDOW,
    )


def _found_limited(request: HttpRequest) -> HttpResponse | None:
    """Look-ups of real certificates have their own, much larger allowance (a batch of staff
    records), so that a script cannot read certificates without end either."""
    if ratelimit_allow(
        request,
        scope="verify-found",
        limit=settings.CERTIFICATE_VERIFY_FOUND_RATE_LIMIT,
        window=settings.CERTIFICATE_VERIFY_RATE_WINDOW,
    ):
        return None
    return _limited_response(request)


def _verify_page(request, *, form=None, upload=None, status=200) -> HttpResponse:
    context = {"form": form or VerifyForm(), "upload": upload or CredentialForm()}
    return render(request, "certificates/verify.html", context, status=status)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    if "code" not in request.GET:
        return _verify_page(request)
    if limited := _rate_limited(request):
        return limited
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("certificates:verify_code", form.cleaned_data["code"])
    _count_miss(request)
    return _verify_page(request, form=form, status=400)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    if limited := _rate_limited(request):
        return limited
    canonical = normalise(code)
    if canonical and canonical != code:
        return redirect("certificates:verify_code", canonical, permanent=True)
    certificate = certificate_lookup(code)
    if certificate is None:
        _count_miss(request)
    elif limited := _found_limited(request):
        return limited
    now = timezone.now()
    context = {
        "certificate": certificate,
        "code": code,
        "now": now,
        "form": VerifyForm(),
        "currency": certificate_currency(certificate, now=now) if certificate else None,
    }
    return render(request, "certificates/verify_result.html", context, status=200 if certificate else 404)


@require_http_methods(["GET", "POST"])
def verify_credential(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("certificates:verify")
    if limited := _rate_limited(request):
        return limited
    upload = CredentialForm(request.POST, request.FILES)
    if not upload.is_valid():
        _count_miss(request)
        return _verify_page(request, upload=upload, status=400)
    check = openbadges.credential_check(upload.cleaned_data["credential"].read())
    if check.certificate is None:
        _count_miss(request)
    elif limited := _found_limited(request):
        return limited
    context = {"check": check, "certificate": check.certificate, "now": timezone.now()}
    status = 400 if check.signature == "malformed" else 200
    return render(request, "certificates/verify_credential.html", context, status=status)


@require_GET
def signing_key(request: HttpRequest) -> HttpResponse:
    """The public key that signs Open Badges, as a did:key document."""
    return JsonResponse(openbadges.did_document(), content_type="application/did+json")


# --- The learner's certificates --------------------------------------------------------------


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    page = Paginator(certificates_for_learner(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/mine.html", {"page": page, "now": timezone.now()})


def _pdf_response(certificate: Certificate, paper: str) -> HttpResponse:
    pdf = certificate_pdf(
        certificate, paper=paper if paper in PAPER else "a4", logo=certificate_logo(certificate)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="onguard-certificate-{certificate.code}.pdf"'
    return response


@login_required
@require_GET
def download_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for_user(request.user, code)
    return _pdf_response(certificate, request.GET.get("paper", "a4"))


@login_required
@require_GET
def download_badge(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for_user(request.user, code)
    body = json.dumps(openbadges.credential_for(certificate), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="onguard-open-badge-{certificate.code}.json"'
    return response


@login_required
@require_POST
def correct_name(request: HttpRequest, code: str) -> HttpResponse:
    """The holder re-issues their certificate with the name on their profile."""
    certificate = get_certificate_for_user(request.user, code)
    if certificate.user_id != request.user.pk:
        raise Http404  # platform staff may download others' certificates, not rename them
    try:
        new = certificate_correct_name(certificate=certificate, user=request.user)
    except ValueError:
        messages.info(request, _("This certificate already shows your name."))
        return redirect("certificates:mine")
    messages.success(
        request,
        _(
            "Your certificate now shows “%(name)s”. Its new code is %(code)s; the old code says where to find it."
        )
        % {"name": new.learner_name, "code": new.code},
    )
    return redirect("certificates:mine")


# --- Admins: list, export, revoke, re-issue --------------------------------------------------
# Each view serves two scopes: platform staff at /certificates/manage/..., and an organisation's
# owners and admins at /orgs/<slug>/certificates/... (their organisation's certificates only).


def _organisation(request: HttpRequest, slug: str | None) -> Organisation | None:
    return get_organisation_for_user(request.user, slug, admin=True) if slug else None


def _url(name: str, organisation: Organisation | None, *args) -> str:
    if organisation is None:
        return reverse(f"certificates:{name}", args=args)
    return reverse(f"certificates:org_{name}", args=[organisation.slug, *args])


def _detail_context(certificate: Certificate, organisation: Organisation | None, form: RevokeForm) -> dict:
    return {
        "certificate": certificate,
        "organisation": organisation,
        "revoke_form": form,
        "list_url": _url("manage", organisation),
        "pdf_url": _url("manage_pdf", organisation, certificate.code),
        "revoke_url": _url("revoke", organisation, certificate.code),
        "reissue_url": _url("reissue", organisation, certificate.code),
        "replacement_url": _url("manage_detail", organisation, certificate.replaced_by.code)
        if certificate.replaced_by
        else "",
    }


@login_required
@require_GET
def manage_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    certificates = certificates_for_manager(request.user, organisation=organisation)
    filters = ManageFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if q := data["q"].strip():
            certificates = certificates.filter(
                Q(learner_name__icontains=q)
                | Q(user__email__icontains=q)
                | Q(item_title__icontains=q)
                | Q(code=normalise(q) or q)
            )
        if data["status"]:
            certificates = certificates.with_status(data["status"])
        if data["kind"]:
            certificates = certificates.filter(**{f"{data['kind']}__isnull": False})
    page = Paginator(certificates.select_related("user"), PAGE_SIZE).get_page(request.GET.get("page"))
    for certificate in page.object_list:
        certificate.manage_url = _url("manage_detail", organisation, certificate.code)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "organisation": organisation,
        "export_url": _url("export_create", organisation),
        "exports_url": _url("exports", organisation),
    }
    return render(request, "certificates/manage_list.html", context)


@login_required
@require_POST
def export_create(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = ExportForm(
        request.POST, queryset=certificates_for_manager(request.user, organisation=organisation)
    )
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["codes"]))
        return redirect(_url("manage", organisation))
    certificate_export_create(
        user=request.user, certificate_ids=form.cleaned_data["codes"], organisation=organisation
    )
    messages.success(request, _("Your ZIP file is being prepared. It appears below when it is ready."))
    return redirect(_url("exports", organisation))


@login_required
@require_GET
def export_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    require_certificate_manager(request.user, organisation=organisation)
    exports = exports_for_user(request.user, organisation=organisation)[:20]
    context = {"exports": exports, "organisation": organisation, "list_url": _url("manage", organisation)}
    return render(request, "certificates/exports.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, token) -> HttpResponse:
    export = get_export_for_user(request.user, token)
    if export.state != CertificateExport.State.READY or not export.file:
        raise Http404
    filename = f"onguard-certificates-{export.created_at:%Y-%m-%d}.zip"
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip"
    )


@login_required
@require_GET
def manage_detail(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    certificate = get_certificate_for_manager(request.user, code, organisation=organisation)
    return render(
        request, "certificates/manage_detail.html", _detail_context(certificate, organisation, RevokeForm())
    )


@login_required
@require_GET
def manage_pdf(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    certificate = get_certificate_for_manager(request.user, code, organisation=organisation)
    return _pdf_response(certificate, request.GET.get("paper", "a4"))


@login_required
@require_POST
def revoke(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    certificate = get_certificate_for_manager(request.user, code, organisation=organisation)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        context = _detail_context(certificate, organisation, form)
        return render(request, "certificates/manage_detail.html", context, status=400)
    certificate_revoke(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Certificate %(code)s was revoked.") % {"code": certificate.code})
    return redirect(_url("manage_detail", organisation, certificate.code))


@login_required
@require_POST
def reissue(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    organisation = _organisation(request, slug)
    certificate = get_certificate_for_manager(request.user, code, organisation=organisation)
    if certificate.revoked_at is not None:
        messages.error(request, _("A revoked or withdrawn certificate cannot be re-issued."))
        return redirect(_url("manage_detail", organisation, certificate.code))
    new = certificate_reissue(certificate=certificate, by=request.user)
    messages.success(
        request,
        _("Certificate re-issued as %(new)s; %(old)s is withdrawn.")
        % {"new": new.code, "old": certificate.code},
    )
    return redirect(_url("manage_detail", organisation, new.code))
