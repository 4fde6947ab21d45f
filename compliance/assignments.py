"""Organisation assignments: the access helper for one assignment, and the writes that create,
remove and extend them (each audited)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Organisation, OrganisationGroup
from accounts.services import audit_record
from courses.models import Conversation, Module, Track

from .models import Assignment, AssignmentExtension


def get_assignment_in(organisation: Organisation, key: str) -> Assignment:
    """An assignment of `organisation` (which the caller has already checked), else 404."""
    return get_object_or_404(
        organisation.assignments.select_related("module", "track", "group", "conversation"), key=key
    )


def describe(assignment: Assignment) -> str:
    if assignment.target == Assignment.Target.GROUP:
        who = assignment.group.name
    elif assignment.target == Assignment.Target.MEMBERS:
        who = _("named members")
    else:
        who = _("everyone")
    subject = assignment.subject
    if assignment.conversation_id:
        subject = _("Practise: %(title)s") % {"title": assignment.conversation.title}
    text = f"{subject} → {who}"
    if assignment.due_date:
        text += ", " + _("due %s") % assignment.due_date.isoformat()
    return text


@transaction.atomic
def assignment_create(
    *,
    organisation: Organisation,
    actor,
    modules: list[Module] | None = None,
    track: Track | None = None,
    conversations: list[Conversation] | None = None,
    target: str,
    group: OrganisationGroup | None = None,
    members: list[Membership] | None = None,
    due_date: date | None = None,
) -> list[Assignment]:
    """One assignment per module, or one for the whole track, plus one per practice conversation
    ("practise"). The group and members must be the organisation's own."""
    members = members or []
    if group is not None and group.organisation_id != organisation.pk:
        raise PermissionDenied
    if any(m.organisation_id != organisation.pk for m in members):
        raise PermissionDenied
    subjects = [{"track": track}] if track else [{"module": m} for m in modules or []]
    subjects += [{"conversation": c} for c in conversations or []]
    created = []
    for subject in subjects:
        assignment = Assignment.objects.create(
            organisation=organisation,
            target=target,
            group=group if target == Assignment.Target.GROUP else None,
            due_date=due_date,
            created_by=actor,
            **subject,
        )
        if target == Assignment.Target.MEMBERS:
            assignment.members.set(members)
        audit_record(
            organisation=organisation,
            actor=actor,
            action=AuditEvent.Action.ASSIGNMENT_CREATE,
            target=describe(assignment),
        )
        created.append(assignment)
    return created


@transaction.atomic
def assignment_delete(*, organisation: Organisation, actor, assignment: Assignment) -> None:
    text = describe(assignment)
    assignment.delete()
    audit_record(
        organisation=organisation, actor=actor, action=AuditEvent.Action.ASSIGNMENT_DELETE, target=text
    )


@transaction.atomic
def assignment_extend(
    *, organisation: Organisation, actor, assignment: Assignment, membership: Membership, due_date: date
) -> None:
    """Give one member a later (or earlier) due date for one assignment."""
    if assignment.organisation_id != organisation.pk or membership.organisation_id != organisation.pk:
        raise PermissionDenied
    AssignmentExtension.objects.update_or_create(
        assignment=assignment,
        membership=membership,
        defaults={"due_date": due_date, "created_by": actor},
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action=AuditEvent.Action.ASSIGNMENT_EXTEND,
        target=f"{assignment.subject}: {membership.user.email} → {due_date.isoformat()}",
    )
