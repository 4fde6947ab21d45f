"""Account-level actions that span apps: exporting a learner's data and deleting an account."""

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from courses.services import progress_export
from quizzes.services import attempts_export

from .models import User


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
    }


@transaction.atomic
def user_delete(*, user: User, request: HttpRequest | None = None) -> None:
    """Delete the account and, with it, its progress and attempts (by cascade)."""
    if request is not None:
        logout(request)
    user.delete()
