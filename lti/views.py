"""OnGuard as an LTI 1.3 tool: the URLs an LMS calls (login initiation, launch, the key set),
the pages shown inside the LMS's frame (the launch page, the deep-linking picker), the page that
opens OnGuard in its own window, and the organisation admins' page for connecting an LMS.

Framing: every page here keeps the site's `frame-ancestors 'none'` except the responses to a
launch (launch page, picker, deep-linking answer, refusals of a known LMS), which the LMS that
launched may frame, from its registered web address only. They carry no session cookie: what
they need travels in one-time tickets, so browsers that block third-party cookies still work."""

from urllib.parse import urlsplit

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.views import jwks as lti_jwks

from accounts.mfa import mfa_required
from accounts.services import get_organisation_for_user
from courses.models import Module, Track

from .forms import PlatformForm, RegistrationLinkForm
from .launch import (
    DEEP_LINKING_REQUEST,
    RESOURCE_LINK_REQUEST,
    Launch,
    LaunchRefused,
    launch_validate,
    login_start,
    state_cookie_set,
)
from .models import LaunchTicket, Platform, RegistrationLink
from .registration import register, registration_link_open, registration_link_redeem, tool_configuration
from .roster import SKIP_REASONS, roster_runs_in_background, roster_sync
from .services import (
    deep_link_items,
    deep_link_response_jwt,
    get_course_in,
    get_platform_in,
    launch_refusal_record,
    launch_user,
    lms_course_record,
    origin_of,
    platform_register,
    platform_remove,
    platform_user_link,
    registration_link_create,
    score_link_record,
    ticket_issue,
    ticket_open,
    ticket_redeem,
    tool_key_ensure,
)
from .tasks import sync_lti_roster


def _framed(response: HttpResponse, platform: Platform | None) -> HttpResponse:
    """Let `platform`'s LMS, and only it, frame this response."""
    if platform is not None:
        response.xframe_options_exempt = True
        response._csp_replace = {"frame-ancestors": [platform.frame_origin]}
    return response


def _refused(request: HttpRequest, refused: LaunchRefused) -> HttpResponse:
    launch_refusal_record(platform=refused.platform, reason=refused.reason)
    response = render(request, "lti/refused.html", {"message": refused.message}, status=refused.status)
    return _framed(response, refused.platform)


def _absolute(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


# --- What the LMS calls -------------------------------------------------------------------------


def jwks(request: HttpRequest) -> HttpResponse:
    """The tool's public keys, which LMSs use to check deep-linking answers and token requests."""
    tool_key_ensure()
    return lti_jwks(request)


@csrf_exempt  # the LMS posts here from its own site; nothing changes but a state to remember
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    target = params.get("target_link_uri", "")
    if target and urlsplit(target).netloc != request.get_host():
        return _refused(
            request, LaunchRefused(_("This link does not lead to OnGuard."), "target_link_uri is not ours")
        )
    try:
        start = login_start(params, launch_url=_absolute(request, "lti:launch"))
    except LaunchRefused as refused:
        return _refused(request, refused)
    if start.storage_target:
        # The LMS offers client-side storage: put the state there too (lti.js), then go on.
        page = render(
            request, "lti/login_storage.html", {"storage": start.storage, "next": start.redirect_url}
        )
        response = _framed(page, start.platform)
    else:
        response = _framed(HttpResponseRedirect(start.redirect_url), start.platform)
    state_cookie_set(response, start.state)
    return response


@csrf_exempt  # the LMS's form post; the signed id_token, the state and its cookie are the proof
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        launch = launch_validate(request)
        course = lms_course_record(launch=launch)
        roster_url = None
        if launch.is_teacher and course is not None:
            # Teachers are shown where their organisation's admins sync the course's roster.
            roster_url = request.build_absolute_uri(
                reverse("lms:course", args=[launch.platform.organisation.slug, course.key])
            )
        if launch.message_type == DEEP_LINKING_REQUEST:
            return _framed(_deep_link_picker(request, launch, roster_url), launch.platform)
        if launch.message_type == RESOURCE_LINK_REQUEST:
            return _framed(_resource_launch(request, launch, roster_url), launch.platform)
        raise LaunchRefused(
            _("OnGuard cannot open this kind of LMS link."),
            f"unsupported message {launch.message_type[:60]}",
            launch.platform,
        )
    except LaunchRefused as refused:
        return _refused(request, refused)


def _resource_launch(request: HttpRequest, launch: Launch, roster_url: str | None) -> HttpResponse:
    slug = str(launch.custom.get("module", ""))
    module = Module.objects.filter(slug=slug, is_active=True).first() if slug else None
    track = Track.objects.filter(slug=str(launch.custom.get("track", "")), is_active=True).first()
    if module is None and track is None:
        raise LaunchRefused(
            _("This LMS link does not name an OnGuard module. Ask your teacher to add it again."),
            f"launch for an unknown module {slug[:60]!r}",
            launch.platform,
        )
    next_url = module.get_absolute_url() if module else reverse("courses:home") + f"#track-{track.slug}"
    platform_user, email = launch_user(launch=launch)
    if platform_user is None:
        ticket = ticket_issue(
            kind=LaunchTicket.Kind.CONTINUE, platform=launch.platform, next_url=next_url,
            sub=str(launch.claims.get("sub", "")), email=email,
        )  # fmt: skip
    else:
        if module is not None:
            score_link_record(platform_user=platform_user, module=module, ags=launch.ags)
        ticket = ticket_issue(
            kind=LaunchTicket.Kind.CONTINUE,
            platform=launch.platform,
            user=platform_user.user,
            next_url=next_url,
        )
    context = {
        "storage": launch.storage,
        "module": module,
        "track": track,
        "continue_url": request.build_absolute_uri(reverse("lti:continue", args=[ticket.token])),
        "needs_link": platform_user is None,
        "roster_url": roster_url,
    }
    return render(request, "lti/launch.html", context)


def _deep_link_picker(request: HttpRequest, launch: Launch, roster_url: str | None) -> HttpResponse:
    if not launch.is_teacher:
        raise LaunchRefused(
            _("Only teachers can choose what to add to a course."),
            "deep linking by a learner",
            launch.platform,
            403,
        )
    settings = launch.deep_link_settings
    if not settings.get("deep_link_return_url"):
        raise LaunchRefused(
            _("Your LMS did not say where to send the choice."),
            "deep linking without a return URL",
            launch.platform,
        )
    ticket = ticket_issue(
        kind=LaunchTicket.Kind.DEEP_LINK, platform=launch.platform, deployment_id=launch.deployment_id,
        deep_link_settings=settings,
    )  # fmt: skip
    context = {
        "storage": launch.storage,
        "ticket": ticket,
        "tracks": Track.objects.filter(is_active=True).prefetch_related("modules"),
        "modules": Module.objects.filter(is_active=True),
        "multiple": settings.get("accept_multiple", True) is not False,
        "roster_url": roster_url,
    }
    return render(request, "lti/deep_link.html", context)


@csrf_exempt  # posted from the picker inside the LMS's frame: the one-time ticket is the proof
@require_POST
def deep_link_answer(request: HttpRequest) -> HttpResponse:
    ticket = ticket_open(token=request.POST.get("ticket", ""), kind=LaunchTicket.Kind.DEEP_LINK)
    if ticket is None:
        return _refused(
            request,
            LaunchRefused(
                _("This choice has expired. Open the LMS's picker again."),
                "deep linking with an unknown or used ticket",
            ),
        )
    kind, _sep, slug = request.POST.get("content", "").partition(":")
    if kind == "track":
        track = Track.objects.filter(slug=slug, is_active=True).first()
        modules = (
            list(track.modules.filter(is_active=True).order_by("track_modules__position")) if track else []
        )
    else:
        modules = list(Module.objects.filter(slug=slug, is_active=True)) if kind == "module" else []
    multiple = ticket.deep_link_settings.get("accept_multiple", True) is not False
    if not modules or (len(modules) > 1 and not multiple):
        problem = _("Choose one module.") if modules else _("Choose a module or a track.")
        context = {
            "ticket": ticket,
            "tracks": Track.objects.filter(is_active=True).prefetch_related("modules"),
            "modules": Module.objects.filter(is_active=True),
            "multiple": multiple,
            "problem": problem,
        }
        return _framed(render(request, "lti/deep_link.html", context, status=400), ticket.platform)
    if not ticket_redeem(ticket=ticket):
        return _refused(
            request,
            LaunchRefused(
                _("This choice was already sent."), "deep linking ticket used twice", ticket.platform
            ),
        )
    jwt = deep_link_response_jwt(
        ticket=ticket, items=deep_link_items(modules=modules, launch_url=_absolute(request, "lti:launch"))
    )
    return_url = ticket.deep_link_settings["deep_link_return_url"]
    response = render(
        request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": jwt, "modules": modules}
    )
    return_origin = urlsplit(return_url)
    response._csp_update = {"form-action": [f"{return_origin.scheme}://{return_origin.netloc}"]}
    return _framed(response, ticket.platform)


# --- OnGuard's own window -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def continue_view(request: HttpRequest, token: str) -> HttpResponse:
    """Opened in a new window from the launch page. GET shows one button (so that a link
    preview cannot use the ticket); POST signs the learner in and goes to the module."""
    ticket = ticket_open(token=token, kind=LaunchTicket.Kind.CONTINUE)
    if ticket is None:
        return render(request, "lti/ticket_closed.html", status=410)
    if ticket.user is None:
        return _link_account(request, ticket)
    if request.method == "GET":
        return render(request, "lti/continue.html", {"ticket": ticket})
    if not ticket_redeem(ticket=ticket):
        return render(request, "lti/ticket_closed.html", status=410)
    user = ticket.user
    if mfa_required(user) or user.is_staff or is_mfa_enabled(user):
        # Accounts that see others' data, or have two-step sign-in, sign in the usual way.
        messages.info(request, _("Please sign in to OnGuard to continue."))
        return redirect(f"{reverse('account_login')}?next={ticket.next_url}")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(ticket.next_url)


def _link_account(request: HttpRequest, ticket: LaunchTicket) -> HttpResponse:
    """The launch carried an address an account already holds: its owner signs in to link."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if request.user.email.lower() != ticket.email.lower():
        return render(request, "lti/link_wrong_account.html", {"ticket": ticket}, status=403)
    if request.method == "GET":
        return render(request, "lti/link.html", {"ticket": ticket})
    if not ticket_redeem(ticket=ticket):
        return render(request, "lti/ticket_closed.html", status=410)
    platform_user_link(ticket=ticket, user=request.user)
    messages.success(request, _("Your LMS account is now linked. Next time, OnGuard opens straight away."))
    return redirect(ticket.next_url)


# --- The organisation's page --------------------------------------------------------------------


def _tool_urls(request: HttpRequest) -> dict:
    return {
        "login_url": _absolute(request, "lti:login"),
        "launch_url": _absolute(request, "lti:launch"),
        "jwks_url": _absolute(request, "lti:jwks"),
    }


@csrf_exempt  # opened by the LMS, often in its own frame: the one-time link is the credential
@require_http_methods(["GET", "POST"])
def dynamic_registration(request: HttpRequest, token: str) -> HttpResponse:
    """LTI Dynamic Registration: GET shows what will be connected; POST registers."""
    link = registration_link_open(token)
    if link is None:
        return render(request, "lti/ticket_closed.html", status=410)
    params = request.POST if request.method == "POST" else request.GET
    config_url = params.get("openid_configuration", "")
    context = {
        "link": link,
        "config_url": config_url,
        "registration_token": params.get("registration_token", ""),
    }
    origins = [o for o in {link.frame_origin, origin_of(config_url) if config_url else ""} if o]
    if request.method == "GET" or not config_url:
        response = render(request, "lti/register.html", context, status=200 if config_url else 400)
    elif not registration_link_redeem(link):
        response = render(request, "lti/ticket_closed.html", status=410)
    else:
        try:
            platform = register(
                link=link,
                config_url=config_url,
                registration_token=context["registration_token"],
                tool=tool_configuration(**_tool_urls(request)),
            )
        except ValidationError as error:
            RegistrationLink.objects.filter(pk=link.pk).update(used_at=None)  # the admin may try again
            launch_refusal_record(platform=None, reason=f"dynamic registration failed: {error.messages[0]}")
            context["problem"] = error.messages[0]
            response = render(request, "lti/register.html", context, status=400)
        else:
            response = render(request, "lti/registered.html", {"platform": platform})
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    return response


@login_required
@require_POST
def registration_link_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = RegistrationLinkForm(request.POST)
    if form.is_valid():
        registration_link_create(
            organisation=organisation, actor=request.user, frame_origin=form.cleaned_data["frame_origin"]
        )
        messages.success(request, _("Your registration link is ready below. It works once, for a day."))
    else:
        messages.error(request, " ".join(form.errors.get("frame_origin", [])))
    return redirect("lms:platforms", slug)


@login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform_register(organisation=organisation, actor=request.user, fields=form.cleaned_data)
        messages.success(
            request,
            _("%s is connected. Add OnGuard in your LMS with the details below.") % form.cleaned_data["name"],
        )
        return redirect("lms:platforms", slug)
    context = {
        "organisation": organisation,
        "form": form,
        "platforms": organisation.lti_platforms.select_related("registration").prefetch_related(
            "registration__deployments", "courses"
        ),
        "tool": _tool_urls(request),
        "registration_links": [
            (link, request.build_absolute_uri(reverse("lti:register", args=[link.token])))
            for link in organisation.lti_registration_links.filter(
                used_at__isnull=True, expires_at__gt=timezone.now()
            ).order_by("-expires_at")
        ],
        "link_form": RegistrationLinkForm(),
    }
    return render(request, "lti/platforms.html", context)


@login_required
@require_POST
def platform_delete(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    platform = get_platform_in(organisation, key)
    platform_remove(organisation=organisation, actor=request.user, platform=platform)
    messages.success(request, _("The LMS was disconnected."))
    return redirect("lms:platforms", slug)


# --- Rosters (LTI Names and Role Provisioning) --------------------------------------------------


@login_required
@require_GET
def course_roster(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A course of a connected LMS: what its last roster sync did, and the button to sync."""
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    course = get_course_in(organisation, key)
    summary = course.sync_summary or None
    skipped = (
        [(who, SKIP_REASONS.get(code, code)) for who, code in summary.get("skipped", [])] if summary else []
    )
    context = {"organisation": organisation, "course": course, "summary": summary, "skipped": skipped}
    return render(request, "lti/course.html", context)


@login_required
@require_POST
def course_sync(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    course = get_course_in(organisation, key)
    if roster_runs_in_background(course):
        course_id, actor_id = course.pk, request.user.pk
        transaction.on_commit(lambda: sync_lti_roster.enqueue(course_id, actor_id))
        messages.info(
            request,
            _("The roster of %s is large, so it syncs in the background. Reload this page in a minute.")
            % course.name,
        )
        return redirect("lms:course", slug, key)
    summary, error = roster_sync(course=course, actor=request.user)
    if summary is None:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Roster synced: %(added)d added, %(matched)d already here, %(skipped)d skipped.")
            % {"added": len(summary.added), "matched": len(summary.matched), "skipped": len(summary.skipped)},
        )
    return redirect("lms:course", slug, key)
