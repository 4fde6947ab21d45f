"""Running a facilitated session: access, creating it, attendance (roster or join code) and
ending it, which credits every attendee once (courses.services.module_credit_facilitated).

Access: only an organisation's owners, admins and facilitators (Membership.can_facilitate) see
its sessions; anyone else who belongs to it gets 403, outsiders 404. An attendee joins with the
code alone, and only a session of an organisation they belong to, within its time window."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from accounts.services import get_membership_for_user
from courses.models import Module
from courses.services import module_credit_facilitated

from .models import CODE_ALPHABET, CODE_LENGTH, Attendance, Session, new_code

# The longest join window a session may have.
MAX_MINUTES = 8 * 60

# --- Access helpers ---------------------------------------------------------------------------


def get_facilitator_membership(user, slug: str) -> Membership:
    """`user`'s membership of organisation `slug` if they may run sessions there: 404 for
    outsiders, 403 for other members."""
    membership = get_membership_for_user(user, slug)
    if not membership.can_facilitate:
        raise PermissionDenied(_("Only the organisation's admins and facilitators can run sessions."))
    return membership


def get_session_for_user(user, slug: str, key: str) -> tuple[Membership, Session]:
    """A session of organisation `slug` that `user` may run (same rules), else 404/403."""
    membership = get_facilitator_membership(user, slug)
    session = get_object_or_404(
        Session.objects.select_related("module", "facilitator", "organisation").filter(
            organisation=membership.organisation
        ),
        key=key,
    )
    return membership, session


def facilitators_of(organisation: Organisation):
    """The memberships that may run sessions, for the "run by" choice."""
    return (
        organisation.memberships.filter(role__in=Membership.FACILITATOR_ROLES)
        .select_related("user")
        .order_by("user__name", "user_id")
    )


# --- Writes -----------------------------------------------------------------------------------


def session_create(
    *,
    organisation: Organisation,
    actor: User,
    module: Module,
    facilitator: User,
    starts_at: datetime,
    ends_at: datetime,
) -> Session:
    """A new session with a join code no other open session has (retried on the rare clash)."""
    if ends_at <= starts_at:
        raise ValidationError(_("The session must end after it starts."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Session.objects.create(
                    organisation=organisation,
                    module=module,
                    facilitator=facilitator,
                    created_by=actor,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    code=new_code(),
                )
        except IntegrityError:
            continue
    raise IntegrityError("Could not find a free join code.")


@transaction.atomic
def attendance_set_roster(*, session: Session, user_ids: set[int]) -> None:
    """Make the ticked members (`user_ids`, already checked to belong to the organisation) the
    session's attendees: new ones are added as ticked on the roster, unticked ones removed."""
    if session.is_ended:
        raise ValidationError(_("This session has ended; its attendance can no longer change."))
    session.attendances.exclude(user_id__in=user_ids).delete()
    Attendance.objects.bulk_create(
        [Attendance(session=session, user_id=uid, how=Attendance.How.ROSTER) for uid in user_ids],
        ignore_conflicts=True,
    )


def normalise_code(raw: str) -> str:
    """What an attendee typed, as a code: upper case, spaces and dashes dropped."""
    return "".join(raw.split()).replace("-", "").upper()


def attendance_join(*, user: User, code: str) -> Session:
    """`user` joins the open session with `code`, if it is of an organisation they belong to and
    within its time window. Joining twice is harmless. Raises ValidationError with a message for
    the attendee."""
    code = normalise_code(code)
    not_found = ValidationError(_("No session is open with this code. Check the code on the screen."))
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise not_found
    session = (
        Session.objects.select_related("module", "organisation", "facilitator")
        .filter(code=code, ended_at__isnull=True, organisation__memberships__user=user)
        .first()
    )
    if session is None:
        raise not_found
    now = timezone.now()
    if now < session.starts_at:
        raise ValidationError(_("This session has not started yet. Try again when it starts."))
    if now > session.ends_at:
        raise ValidationError(_("The time to join this session is over. Please ask the facilitator."))
    Attendance.objects.get_or_create(session=session, user=user, defaults={"how": Attendance.How.CODE})
    return session


@transaction.atomic
def session_end(*, session: Session) -> int:
    """End the session and credit each attendee with its module, once: a second call (a double
    click, another tab) finds the session already ended and does nothing. Returns how many
    attendees this call completed the module for."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.ended_at is not None:
        session.ended_at = locked.ended_at
        return 0
    now = timezone.now()
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
    session.ended_at = now
    needs_quiz = session.organisation.facilitated_needs_quiz
    day = timezone.localdate(session.starts_at)
    completed = 0
    # One credit per attendee (a handful of queries each): a room, not the whole organisation.
    for attendance in session.attendances.select_related("user"):
        completed += module_credit_facilitated(
            user=attendance.user,
            module=session.module,
            facilitator=session.facilitator,
            on=day,
            needs_quiz=needs_quiz,
        )
    return completed
