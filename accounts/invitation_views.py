"""Inviting people (one address, a pasted or uploaded CSV with a preview, resending, revoking)
and joining (accepting an e-mailed invitation as a new or existing user, or a join link)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from sso.policy import domain_policy_for, provider_name, signed_in_through, unmet_policy

from .context_processors import SESSION_KEY as JOINING_SESSION_KEY
from .invitations import (
    invitation_accept,
    invitation_matches,
    invitation_resend,
    invitation_revoke,
    invitation_sign_up,
    invitations_create,
)
from .models import Invitation, Organisation, User
from .names import name_problems
from .org_forms import BulkInviteForm, InvitationSignupForm, InviteForm
from .org_views import confirm_page
from .services import get_invitation_in, get_organisation_for_user, membership_add

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        invitations_create(organisation=organisation, actor=request.user, rows=form.cleaned_data["rows"])
        messages.success(request, _("Invitation sent to %s.") % form.cleaned_data["email"])
        return redirect("orgs:invitations", slug)
    show = request.GET.get("show", "open")
    invitations = organisation.invitations.select_related("group")
    if show == "open":
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "form": form, "page": page, "show": show}
    return render(request, "orgs/invitations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1 posts the list and shows a preview of good and bad rows; step 2 (`confirm`) posts
    the same list back and invites the good rows only."""
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = BulkInviteForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        preview = form.cleaned_data["preview"]
        if "confirm" in request.POST and preview.good:
            invitations_create(organisation=organisation, actor=request.user, rows=preview.good)
            messages.success(request, invited_message(len(preview.good), len(preview.bad)))
            return redirect("orgs:invitations", slug)
        context = {
            "organisation": organisation,
            "form": form,
            "preview": preview,
            "roster": form.cleaned_data["roster"],
            "text": form.cleaned_data["text"],
        }
        return render(request, "orgs/invite_preview.html", context)
    return render(request, "orgs/invite_bulk.html", {"organisation": organisation, "form": form})


def invited_message(good: int, bad: int) -> str:
    sent = ngettext("%(n)d invitation is on its way.", "%(n)d invitations are on their way.", good) % {
        "n": good
    }
    if not bad:
        return sent
    return sent + " " + ngettext("%(n)d row was skipped.", "%(n)d rows were skipped.", bad) % {"n": bad}


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    invitation = get_invitation_in(organisation, token)
    try:
        invitation_resend(organisation=organisation, actor=request.user, invitation=invitation)
        messages.success(request, _("Invitation sent again to %s.") % invitation.email)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("orgs:invitations", slug)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    invitation = get_invitation_in(organisation, token)
    if request.method == "GET":
        return confirm_page(
            request,
            organisation,
            question=_("Revoke the invitation to %s?") % invitation.email,
            explanation=[
                _("The link in the e-mail stops working. You can invite the same address again later.")
            ],
            action=_("Revoke the invitation"),
            cancel_url=reverse("orgs:invitations", args=[slug]),
        )
    invitation_revoke(organisation=organisation, actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation to %s was revoked.") % invitation.email)
    return redirect("orgs:invitations", slug)


# --- Joining ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """One page for every invitee: sign up on the spot, log in first, or just confirm."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "group"), token=token)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if not invitation.is_open:
        if invitation.accepted_at and invitation_matches(invitation, request.user):
            return redirect("compliance:detail", invitation.organisation.slug)
        return render(request, "orgs/invitation_closed.html", context, status=410)
    user = request.user
    if user.is_authenticated and not invitation_matches(invitation, user):
        return render(request, "orgs/invitation_wrong_account.html", context, status=403)
    # An address whose organisation requires its identity provider joins through it, never with
    # a password of its own (sso/policy.py).
    policy = domain_policy_for(invitation.email)
    if policy is not None and not (
        user.is_authenticated and signed_in_through(request, user, policy.required_provider)
    ):
        return _sign_in_required(request, policy)
    if user.is_authenticated:
        if request.method == "POST":
            invitation_accept(invitation=invitation, user=user)
            return _welcome(request, invitation.organisation)
        return render(request, "orgs/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "orgs/invitation_login.html", context)
    form = InvitationSignupForm(
        request.POST or None, email=invitation.email, initial={"name": invitation.name}
    )
    if request.method == "POST" and form.is_valid() and _name_is_clear(form):
        try:
            user = invitation_sign_up(
                invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except IntegrityError:
            # A simultaneous sign-up on the same link created the account first (review L4).
            context["login_url"] = f"{reverse('account_login')}?next={request.path}"
            return render(request, "orgs/invitation_login.html", context, status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _welcome(request, invitation.organisation)
    context["form"] = form
    return render(request, "orgs/invitation_signup.html", context)


def _sign_in_required(request: HttpRequest, policy) -> HttpResponse:
    context = {"policy": policy, "provider_name": provider_name(request, policy.required_provider)}
    return render(request, "sso/required.html", context)


def _name_is_clear(form) -> bool:
    """The sign-up form (accounts/org_forms.py) checks length only; the name prints on certificates,
    so it gets the same rules as every other name (accounts/names.py)."""
    for problem in name_problems(form.cleaned_data["name"]):
        form.add_error("name", problem)
    return not form.errors


def _welcome(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    messages.success(request, _("Welcome to %s. Your assigned training is below.") % organisation.name)
    return redirect("courses:my_learning")


@require_http_methods(["GET", "POST"])
def join_view(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the link: a visitor is told whose link it is and signs up or logs in with the
    way back here; a signed-in person joins with one press."""
    organisation = Organisation.objects.filter(join_code=code, join_enabled=True).first()
    if organisation is None:
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?next={request.path}")
        request.session[JOINING_SESSION_KEY] = request.path
        context = {"organisation": organisation, "next": request.path, "way_back": request.path}
        return render(request, "orgs/join.html", context)
    if policy := unmet_policy(request, request.user):
        return _sign_in_required(request, policy)
    if request.method == "POST":
        _membership, created = membership_add(organisation=organisation, user=request.user)
        request.session.pop(JOINING_SESSION_KEY, None)
        if not created:
            messages.info(request, _("You are already a member of %s.") % organisation.name)
            return redirect("compliance:detail", organisation.slug)
        return _welcome(request, organisation)
    return render(request, "orgs/join.html", {"organisation": organisation})
