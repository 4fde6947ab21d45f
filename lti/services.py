"""Writes of the LTI tool: connecting and removing an LMS, the people its launches bring (found
or created, and made members of the organisation), one-time tickets, gradebook links, the deep
linking answer, and refused launches (each in the organisation's audit log)."""

import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from lti_tool.models import Key, LtiDeployment, LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from accounts.models import AuditEvent, Organisation, User
from accounts.names import name_problems
from accounts.services import audit_record, membership_add
from courses.models import Module
from sso.policy import verified_domain_for

from .forms import url_problem
from .launch import Launch
from .models import LaunchTicket, LmsCourse, Platform, PlatformUser, RegistrationLink, ScoreLink

logger = logging.getLogger("onguard.security")

TICKET_MINUTES = 5
AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def get_platform_in(organisation: Organisation, key: str) -> Platform:
    return get_object_or_404(organisation.lti_platforms.select_related("registration"), key=key)


def tool_key_ensure() -> Key:
    """The tool's signing key (django-lti's Key; `manage.py rotate_keys` makes a new one)."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key or Key.objects.generate()


# --- Platforms ----------------------------------------------------------------------------------


@transaction.atomic
def platform_register(*, organisation: Organisation, actor: User, fields: dict) -> Platform:
    tool_key_ensure()
    registration = LtiRegistration.objects.create(
        name=fields["name"],
        issuer=fields["issuer"],
        client_id=fields["client_id"],
        auth_url=fields["auth_url"],
        token_url=fields["token_url"],
        keyset_url=fields["keyset_url"],
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=fields["deployment_id"], is_active=True
    )
    platform = Platform.objects.create(
        organisation=organisation,
        registration=registration,
        frame_origin=fields["frame_origin"] or origin_of(fields["auth_url"]),
        added_by=actor,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.LTI_PLATFORM,
        target=_("connected %(name)s (%(issuer)s)") % {"name": fields["name"], "issuer": fields["issuer"]},
    )
    return platform


@transaction.atomic
def platform_remove(*, organisation: Organisation, actor: User, platform: Platform) -> None:
    name = platform.registration.name
    platform.registration.delete()  # the platform, its deployments, people and score links go with it
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.LTI_PLATFORM,
        target=_("removed %s") % name,
    )


REGISTRATION_LINK_HOURS = 24


def registration_link_create(
    *, organisation: Organisation, actor: User, frame_origin: str
) -> RegistrationLink:
    link = RegistrationLink.objects.create(
        organisation=organisation,
        created_by=actor,
        frame_origin=frame_origin,
        expires_at=timezone.now() + timedelta(hours=REGISTRATION_LINK_HOURS),
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.LTI_PLATFORM,
        target=_("made a registration link for an LMS"),
    )
    return link


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def launch_refusal_record(*, platform: Platform | None, reason: str) -> None:
    logger.warning(
        "LTI launch refused (%s): %s", platform.registration.issuer if platform else "unknown LMS", reason
    )
    if platform is not None:
        audit_record(
            organisation=platform.organisation,
            actor=None,
            action=AuditEvent.Action.LTI_REFUSED,
            target=reason,
        )


# --- People -------------------------------------------------------------------------------------


def person_name(claims: dict) -> str:
    """A launch's or a roster's name for a person, or a neutral stand-in."""

    def text(key: str) -> str:
        return claims[key].strip() if isinstance(claims.get(key), str) else ""

    name = (text("name") or " ".join(filter(None, [text("given_name"), text("family_name")])))[:150]
    return name if name and not name_problems(name) else _("LMS learner")


def lms_account_create(*, platform: Platform, sub: str, email: str, name: str, teacher: bool) -> User:
    """A new account for an LMS's user, with no usable password: they open it from the LMS (a
    launch signs them in), or set a password with the address's reset e-mail. Without an address
    from the LMS, the account gets a unique placeholder that receives no mail."""
    school = platform.organisation.kind == Organisation.Kind.SCHOOL
    address = email or f"lti-{hashlib.sha256(f'{platform.pk}|{sub}'.encode()).hexdigest()[:24]}@lti.invalid"
    user = User.objects.create_user(
        email=address,
        password=None,
        name=name,
        role=User.Role.EDUCATOR if school or teacher else User.Role.PARENT,
    )
    if email:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def lms_may_vouch_for(*, platform: Platform, email: str) -> bool:
    """An LMS is trusted with an address only inside a domain its organisation verified: it may
    then match that address to an existing account. Anyone else's account is linked by its owner,
    who signs in once (the launch's link step)."""
    owner = verified_domain_for(email)
    return owner is not None and owner.organisation_id == platform.organisation_id


@transaction.atomic
def launch_user(*, launch: Launch) -> tuple[PlatformUser | None, str]:
    """The OnGuard account behind the launch's user, made a member of the platform's
    organisation: the one matched before; else, an account with the launch's address only when
    the organisation verified that address's domain (an LMS is trusted for its own domain, not
    for anyone's address); else a new account. Returns (None, email) when an account already
    holds the address and the LMS cannot vouch for it: its owner must sign in to link it."""
    platform, claims = launch.platform, launch.claims
    sub = str(claims.get("sub") or "")
    known = PlatformUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if known is not None:
        membership_add(organisation=platform.organisation, user=known.user)
        return known, known.user.email
    email = (claims.get("email") or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        if not lms_may_vouch_for(platform=platform, email=email):
            return None, email
    else:
        user = lms_account_create(
            platform=platform, sub=sub, email=email, name=person_name(claims), teacher=launch.is_teacher
        )
    platform_user = PlatformUser.objects.create(platform=platform, sub=sub, user=user)
    membership_add(organisation=platform.organisation, user=user)
    return platform_user, user.email


def platform_user_link(*, ticket: LaunchTicket, user: User) -> PlatformUser:
    """The owner of the address a launch carried signed in: link the LMS's user to them."""
    platform_user, _created = PlatformUser.objects.get_or_create(
        platform=ticket.platform, sub=ticket.sub, defaults={"user": user}
    )
    membership_add(organisation=ticket.platform.organisation, user=user)
    return platform_user


# --- Courses (LTI contexts) with a roster -----------------------------------------------------


def lms_course_record(*, launch: Launch) -> LmsCourse | None:
    """Remember the launch's course and where its roster is (Names and Role Provisioning), so
    that an admin can sync it later. Writes only when something changed; None when the launch
    offers no roster, or a roster address OnGuard would not fetch."""
    url, context_id = launch.memberships_url, str(launch.context.get("id") or "")[:255]
    if not url or not context_id or len(url) > 500 or url_problem(url) is not None:
        return None
    title = str(launch.context.get("title") or launch.context.get("label") or "")[:255]
    course = LmsCourse.objects.filter(platform=launch.platform, context_id=context_id).first()
    if course is None:
        try:
            with transaction.atomic():
                return LmsCourse.objects.create(
                    platform=launch.platform, context_id=context_id, title=title, memberships_url=url
                )
        except IntegrityError:  # the same course's first two launches at once
            return LmsCourse.objects.get(platform=launch.platform, context_id=context_id)
    if (course.title, course.memberships_url) != (title, url) or (
        timezone.now() - course.last_launch_at > timedelta(hours=1)
    ):
        course.title, course.memberships_url, course.last_launch_at = title, url, timezone.now()
        course.save(update_fields=["title", "memberships_url", "last_launch_at"])
    return course


def get_course_in(organisation: Organisation, key: str) -> LmsCourse:
    return get_object_or_404(
        LmsCourse.objects.select_related("platform__registration", "platform__organisation"),
        platform__organisation=organisation,
        key=key,
    )


# --- Tickets ------------------------------------------------------------------------------------


def ticket_issue(*, kind: str, platform: Platform, **fields) -> LaunchTicket:
    expires_at = timezone.now() + timedelta(minutes=TICKET_MINUTES)
    return LaunchTicket.objects.create(kind=kind, platform=platform, expires_at=expires_at, **fields)


def ticket_open(*, token: str, kind: str) -> LaunchTicket | None:
    """The ticket if it is of `kind`, unused and unexpired; None otherwise."""
    return (
        LaunchTicket.objects.select_related("platform__registration", "platform__organisation", "user")
        .filter(token=token, kind=kind, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def tickets_forget_expired() -> int:
    """Tickets past their five minutes are of no use to anyone (the scores command)."""
    return LaunchTicket.objects.filter(expires_at__lt=timezone.now()).delete()[0]


def ticket_redeem(*, ticket: LaunchTicket) -> bool:
    """Mark the ticket used; False if another request used it first (one update, no race)."""
    return bool(
        LaunchTicket.objects.filter(pk=ticket.pk, used_at__isnull=True).update(used_at=timezone.now())
    )


# --- Grades -------------------------------------------------------------------------------------


def score_link_record(*, platform_user: PlatformUser, module: Module, ags: dict | None) -> ScoreLink | None:
    """Remember the launch's gradebook column for `module`, if the LMS lets us post scores."""
    if not ags or not ags.get("lineitem") or AGS_SCORE_SCOPE not in ags.get("scope", []):
        return None
    try:
        with transaction.atomic():
            link, _created = ScoreLink.objects.get_or_create(
                platform_user=platform_user,
                module=module,
                lineitem_url=ags["lineitem"][:500],
                defaults={"scopes": list(ags.get("scope", []))},
            )
    except IntegrityError:
        link = ScoreLink.objects.get(
            platform_user=platform_user, module=module, lineitem_url=ags["lineitem"][:500]
        )
    return link


# --- Deep linking -------------------------------------------------------------------------------


def deep_link_items(*, modules: list[Module], launch_url: str) -> list[DeepLinkResource]:
    """One LTI resource link per module, each with a gradebook column out of 100."""
    items = []
    for module in modules:
        lineitem = (
            LineItem().set_score_maximum(100).set_label(module.title[:100]).set_resource_id(module.slug)
        )
        items.append(
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(module.title)
            .set_custom_params({"module": module.slug})
            .set_lineitem(lineitem)
        )
    return items


def deep_link_response_jwt(*, ticket: LaunchTicket, items: list[DeepLinkResource]) -> str:
    """The signed LtiDeepLinkingResponse the LMS's return URL expects (pylti1p3)."""
    tool_key_ensure()
    registration = ticket.platform.registration.to_registration()
    return DeepLink(registration, ticket.deployment_id, ticket.deep_link_settings).get_response_jwt(items)
