"""Syncing a course's roster from the LMS (LTI Names and Role Provisioning Services, NRPS).

A launch from a course that offers its roster records an LmsCourse with the course's
`context_memberships_url`. An organisation admin then syncs it (`roster_sync`), on the course's
page or in the background (lti/tasks.py):

1. Fetch (`roster_fetch`), through pylti1p3's NamesRolesProvisioningService: an OAuth 2 access
   token from the LMS's token endpoint for the scope `contextmembership.readonly`, asked with a
   client assertion (a JWT signed with the tool's key, which the LMS checks against our key set);
   then the memberships, page after page along the `Link: <…>; rel="next"` headers. Every answer
   is capped in size, the pages in number, and the roster is checked before anything is saved:
   a JSON object with a list of members, for this course, the next pages on the same site.
2. Apply (`roster_apply`), in one transaction: each active person is matched by the LMS's user
   ID first (a PlatformUser, from an earlier launch or sync); else by e-mail address, but only
   when the LMS gives one and the organisation verified the address's domain (the same trust
   rule as a launch's: an LMS vouches for its own domain, not for anyone's address); else a new
   account is made, with no usable password, that its owner opens at their first launch. Each
   becomes a member of the organisation. LMS roles never grant admin here: teachers become
   members and are listed for an admin to promote. Inactive or deleted people are not added;
   those already members are listed, not removed (they may belong for other reasons, and their
   progress and certificates are theirs).

A second sync of the same roster changes nothing. Every failure (LMS down, refused, malformed or
oversized answers) is a clear message and an audit entry, never an error page."""

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pylti1p3.exception import LtiServiceException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from accounts.models import AuditEvent, Membership, User
from accounts.services import audit_record, membership_add

from .forms import url_problem
from .launch import HTTP_TIMEOUT_SECONDS, roles_teach
from .models import LmsCourse, PlatformUser
from .services import lms_account_create, lms_may_vouch_for, person_name, tool_key_ensure

logger = logging.getLogger("onguard.lti")

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# Limits on what an LMS may send: one answer, the pages of one roster, the people in it.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
MAX_PAGES = 100
MAX_MEMBERS = 10_000
# A roster larger than this at the last sync is synced by the task queue, not in the request.
BACKGROUND_OVER = 300
# How many people a summary lists by name in each of its lists (the counts are complete).
SUMMARY_LIST_MAX = 200
# RFC 6750's b64token: what an access token may be, since it goes into a header.
ACCESS_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
STATUSES = ("Active", "Inactive", "Deleted")


class RosterError(Exception):
    """The roster could not be read: `message` for the admin, `reason` for the audit log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message
        self.reason = reason


# --- 1. Fetch -----------------------------------------------------------------------------------


class CappedSession(requests.Session):
    """A requests session with a time limit that reads no answer past MAX_RESPONSE_BYTES."""

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT_SECONDS)
        kwargs["stream"] = True
        response = super().request(method, url, *args, **kwargs)
        too_big = RosterError(
            _("Your LMS sent more than OnGuard accepts in one answer (%(mb)d MB).")
            % {"mb": MAX_RESPONSE_BYTES // (1024 * 1024)},
            f"answer from {_site(url)} over {MAX_RESPONSE_BYTES} bytes",
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
            response.close()
            raise too_big
        body = bytearray()
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                response.close()
                raise too_big
        response._content = bytes(body)  # what response.json() and .content read
        return response


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RosterConnector(ServiceConnector):
    """pylti1p3's service connector, with the token answer checked and the next page read from
    the Link header as sent (pylti1p3 2.0 lowercases the whole header, which breaks next-page
    addresses with capitals in them, such as Moodle's /CourseSection/; the fix proposed upstream,
    dmitry-viskov/pylti1.3 pull request 139, was closed unmerged)."""

    def get_access_token(self, scopes) -> str:
        try:
            token = super().get_access_token(scopes)
        except LtiServiceException as exc:
            status = exc.response.status_code
            raise RosterError(
                _(
                    "Your LMS refused OnGuard's request for access (HTTP %(status)s). Check that "
                    "OnGuard's client ID and public keyset URL are the ones your LMS has."
                )
                % {"status": status},
                f"token endpoint answered HTTP {status}",
            ) from None
        except (KeyError, TypeError, ValueError):
            token = None
        if not isinstance(token, str) or len(token) > 4096 or not ACCESS_TOKEN.fullmatch(token):
            raise RosterError(
                _("Your LMS answered OnGuard's request for access with something it could not read."),
                "malformed token endpoint answer",
            )
        return token

    def make_service_request(self, *args, **kwargs):
        result = super().make_service_request(*args, **kwargs)
        header = next((v for k, v in result["headers"].items() if k.lower() == "link"), "")
        links = requests.utils.parse_header_links(header) if header else []
        result["next_page_url"] = next((link["url"] for link in links if link.get("rel") == "next"), None)
        return result


@dataclass
class Person:
    """One person of the roster, as the LMS described them."""

    sub: str
    name: str
    email: str
    roles: list[str]
    status: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.email or self.sub[:40]})"


@dataclass
class Roster:
    people: list[Person] = field(default_factory=list)
    # (who, a SKIP_REASONS code) for entries that could not be read.
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def _malformed(reason: str) -> RosterError:
    return RosterError(_("Your LMS sent a course roster OnGuard could not read."), reason)


def roster_fetch(course: LmsCourse) -> Roster:
    """The course's roster, every page of it, read from the LMS. Raises RosterError."""
    if problem := url_problem(course.memberships_url):
        raise RosterError(
            _("OnGuard does not fetch rosters from this address: %s") % problem, "roster address refused"
        )
    tool_key_ensure()
    connector = RosterConnector(course.platform.registration.to_registration(), CappedSession())
    service = NamesRolesProvisioningService(connector, {"context_memberships_url": course.memberships_url})
    roster, seen_subs, url, pages = Roster(), set(), course.memberships_url, []
    try:
        while url:
            if len(pages) == MAX_PAGES or url in pages:
                raise RosterError(
                    _("Your LMS sent more than %(pages)d pages of roster: OnGuard stopped reading.")
                    % {"pages": MAX_PAGES},
                    f"roster over {MAX_PAGES} pages, or pages in a loop",
                )
            pages.append(url)
            answer = service.get_nrps_data(url)
            next_url = answer["next_page_url"]
            if next_url and _site(next_url) != _site(course.memberships_url):
                raise _malformed("next roster page on another site")
            _read_page(answer["body"], course, roster, seen_subs)
            if len(roster.people) + len(roster.unreadable) > MAX_MEMBERS:
                raise RosterError(
                    _("This course has more than %(count)d people: OnGuard syncs rosters up to that size.")
                    % {"count": MAX_MEMBERS},
                    f"roster over {MAX_MEMBERS} people",
                )
            url = next_url
    except LtiServiceException as exc:
        status = exc.response.status_code
        if status in (401, 403):
            message = _(
                "Your LMS did not let OnGuard read this course's roster (HTTP %(status)s). Check "
                "that the Names and Role Provisioning service is turned on for OnGuard in your LMS."
            )
        else:
            message = _("Your LMS could not send the course roster (HTTP %(status)s). Try again later.")
        raise RosterError(message % {"status": status}, f"memberships answered HTTP {status}") from None
    except requests.RequestException as exc:
        if isinstance(exc, requests.JSONDecodeError):
            raise _malformed("memberships answer is not JSON") from None
        raise RosterError(
            _("OnGuard could not reach your LMS. Try again later."),
            f"LMS unreachable: {type(exc).__name__}",
        ) from None
    except ValueError:
        raise _malformed("memberships answer is not JSON") from None
    return roster


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _read_page(body, course: LmsCourse, roster: Roster, seen_subs: set) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("members"), list):
        raise _malformed("memberships answer without a members list")
    context = body.get("context")
    if (
        isinstance(context, dict)
        and context.get("id") is not None
        and str(context["id"]) != course.context_id
    ):
        raise RosterError(
            _("Your LMS sent the roster of another course."),
            f"memberships of another context {str(context['id'])[:60]!r}",
        )
    for entry in body["members"]:
        if not isinstance(entry, dict):
            roster.unreadable.append(("?", "not_a_person"))
            continue
        name = person_name(entry)
        sub = _text(entry.get("user_id"), 256)
        if not sub or len(sub) > 255:
            roster.unreadable.append((name, "no_user_id"))
            continue
        if sub in seen_subs:
            roster.unreadable.append((f"{name} ({sub[:40]})", "listed_twice"))
            continue
        seen_subs.add(sub)
        email = _text(entry.get("email"), 254).lower()
        if email and ("@" not in email or any(c.isspace() for c in email)):
            email = ""
        roles = (
            [r for r in entry.get("roles") or [] if isinstance(r, str)]
            if isinstance(entry.get("roles"), list)
            else []
        )
        status = entry.get("status") if entry.get("status") in STATUSES else "Active"
        roster.people.append(Person(sub=sub, name=name, email=email, roles=roles[:20], status=status))


# --- 2. Apply -----------------------------------------------------------------------------------


# Why a person of the roster was skipped, by the code a summary stores (shown in the reader's
# language when the page is read, not in the language of whoever ran the sync).
SKIP_REASONS = {
    "inactive": gettext_lazy("Inactive in the LMS: not added."),
    "inactive_member": gettext_lazy(
        "Inactive in the LMS, and still a member here: remove them on the Members page if they left."
    ),
    "address_taken": gettext_lazy(
        "An OnGuard account already uses this address, outside your verified domains: its owner "
        "links it by signing in once, at their first launch from the LMS."
    ),
    "no_user_id": gettext_lazy("Your LMS gave no user ID for them."),
    "listed_twice": gettext_lazy("Your LMS listed them twice: the first entry counts."),
    "not_a_person": gettext_lazy("An entry of the roster that is not a person's details."),
}


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)  # teachers in the LMS, members here

    def as_json(self) -> dict:
        return {
            "counts": {
                "added": len(self.added),
                "matched": len(self.matched),
                "skipped": len(self.skipped),
                "teachers": len(self.teachers),
            },
            "added": self.added[:SUMMARY_LIST_MAX],
            "skipped": [list(s) for s in self.skipped[:SUMMARY_LIST_MAX]],
            "teachers": self.teachers[:SUMMARY_LIST_MAX],
        }

    @property
    def total(self) -> int:
        return len(self.added) + len(self.matched) + len(self.skipped)


CHUNK = 500


@transaction.atomic
def roster_apply(*, course: LmsCourse, roster: Roster, actor: User | None) -> Summary:
    """Match or create every active person of `roster` and make them members (see the module's
    docstring for the rules). Queries: a few per 500 people, plus the writes of what is new."""
    platform, organisation = course.platform, course.platform.organisation
    summary = Summary(skipped=list(roster.unreadable))
    for start in range(0, len(roster.people), CHUNK):
        people = roster.people[start : start + CHUNK]
        known = {
            pu.sub: pu.user
            for pu in PlatformUser.objects.select_related("user").filter(
                platform=platform, sub__in=[p.sub for p in people]
            )
        }
        emails = {p.email for p in people if p.email and p.sub not in known}
        by_email = (
            {u.email.lower(): u for u in User.objects.annotate(low=Lower("email")).filter(low__in=emails)}
            if emails
            else {}
        )
        user_ids = [u.pk for u in known.values()] + [u.pk for u in by_email.values()]
        roles = dict(
            Membership.objects.filter(organisation=organisation, user_id__in=user_ids).values_list(
                "user_id", "role"
            )
        )
        vouched: dict[str, bool] = {}
        for person in people:
            user = known.get(person.sub)
            if person.status != "Active":
                member = user is not None and user.pk in roles
                summary.skipped.append((person.label, "inactive_member" if member else "inactive"))
                continue
            if user is None and person.email in by_email:
                domain = person.email.rsplit("@", 1)[1]
                if domain not in vouched:
                    vouched[domain] = lms_may_vouch_for(platform=platform, email=person.email)
                if not vouched[domain]:
                    summary.skipped.append((person.label, "address_taken"))
                    continue
                user = by_email[person.email]
                PlatformUser.objects.create(platform=platform, sub=person.sub, user=user)
            elif user is None:
                user = lms_account_create(
                    platform=platform,
                    sub=person.sub,
                    email=person.email,
                    name=person.name,
                    teacher=roles_teach(person.roles),
                )
                PlatformUser.objects.create(platform=platform, sub=person.sub, user=user)
                if person.email:  # a second entry with this address finds this account
                    by_email[person.email] = user
            if user.pk in roles:
                summary.matched.append(person.label)
                role = roles[user.pk]
            else:
                membership_add(organisation=organisation, user=user, actor=actor)
                summary.added.append(person.label)
                role = roles[user.pk] = Membership.Role.MEMBER
            if roles_teach(person.roles) and role == Membership.Role.MEMBER:
                summary.teachers.append(person.label)
    return summary


def roster_sync(*, course: LmsCourse, actor: User | None) -> tuple[Summary | None, str]:
    """Fetch and apply the course's roster; record the outcome on the course and in the audit
    log. Returns (summary, "") or (None, a message for the admin)."""
    organisation = course.platform.organisation
    where = _("%(course)s from %(lms)s") % {"course": course.name, "lms": course.platform.registration.name}
    try:
        roster = roster_fetch(course)
    except RosterError as error:
        logger.warning("Roster of LMS course %s not synced: %s", course.pk, error.reason)
        course.sync_error = error.message[:300]
        course.save(update_fields=["sync_error"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action=AuditEvent.Action.LTI_ROSTER_FAILED,
            target=f"{where}: {error.reason}",
        )
        return None, error.message
    try:
        summary = roster_apply(course=course, roster=roster, actor=actor)
    except IntegrityError:  # a launch of someone on the roster added them meanwhile
        return None, _("Someone from this course opened OnGuard while the roster was syncing. Sync again.")
    course.synced_at, course.sync_summary, course.sync_error = timezone.now(), summary.as_json(), ""
    course.save(update_fields=["synced_at", "sync_summary", "sync_error"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.LTI_ROSTER,
        target=_("%(where)s: %(added)d added, %(matched)d matched, %(skipped)d skipped")
        % {
            "where": where,
            "added": len(summary.added),
            "matched": len(summary.matched),
            "skipped": len(summary.skipped),
        },
    )
    return summary, ""


def roster_runs_in_background(course: LmsCourse) -> bool:
    """Large rosters (by the last sync's count) are synced by the task queue."""
    counts = course.sync_summary.get("counts", {}) if isinstance(course.sync_summary, dict) else {}
    return sum(counts.get(k, 0) for k in ("added", "matched", "skipped")) > BACKGROUND_OVER
