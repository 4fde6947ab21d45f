"""A learner's own data: exporting everything we hold about them, and deleting their account.

This is the one module that reaches into every app (progress, attempts, certificates), so it sits
above them all; nothing but the account pages imports it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.services import certificates_withdraw_for_account_deletion
from courses.services import progress_export
from quizzes.services import attempts_export, refreshers_export

from .models import Membership, Organisation, User
from .services import organisations_needing_another_owner


def user_export(*, user: User) -> dict:
    """Everything we hold about `user`, as JSON-ready data (the "download my data" file)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.all()
            ],
        },
        **progress_export(user=user),
        "quiz_attempts": attempts_export(user=user),
        "refreshers": refreshers_export(user=user),
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role, "joined_at": m.joined_at.isoformat()}
            for m in user.memberships.select_related("organisation")
        ],
        "certificates": [
            {
                "code": c.code,
                "item": c.item_title,
                "issuer": c.issuer_name,
                "name_printed": c.learner_name,
                "issued_at": c.issued_at.isoformat(),
                "expires_at": c.expires_at.isoformat() if c.expires_at else None,
                "status": c.status,
            }
            for c in user.certificates.order_by("issued_at")
        ],
        # Facilitated group sessions attended (the facilitation app's rows, by their relation).
        "facilitated_sessions_attended": [
            {
                "module": a.session.module.slug,
                "organisation": a.session.organisation.name,
                "how": a.how,
                "at": a.at.isoformat(),
            }
            for a in user.attendances.select_related("session__module", "session__organisation").order_by(
                "at"
            )
        ],
    }


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and, with it, its progress and attempts (by cascade), and any
    organisation of which it was the only member."""
    if organisations_needing_another_owner(user=user):
        raise ValidationError(_("Make someone else an owner of your organisations first."), code="last_owner")
    alone = Membership.objects.exclude(user=user).values("organisation_id")
    Organisation.objects.filter(memberships__user=user).exclude(pk__in=alone).delete()
    certificates_withdraw_for_account_deletion(user=user)
    user.delete()
