"""Sending quiz scores back to LMS gradebooks (LTI Assignment and Grade Services).

A launch of a module from an LMS that allows score posting records a ScoreLink (learner, module,
gradebook column). `scores_send` posts, for every link whose learner has passed the module's
quiz since (or passed again with a better score), the best score out of 100, through pylti1p3's
AGS client: an access token from the LMS's token endpoint (a JWT signed with the tool's key),
then the score. It runs from `manage.py send_lti_scores` (cron, every few minutes) and from the
`send_lti_scores` task; failures are retried at the next run and written to the audit log once."""

import logging

import requests
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from accounts.models import AuditEvent
from accounts.services import audit_record
from quizzes.models import Attempt

from .launch import http_session
from .models import ScoreLink
from .services import tool_key_ensure

logger = logging.getLogger("onguard.lti")

# A column the LMS keeps refusing (deleted, or the course closed) stops being tried.
MAX_FAILURES = 50


def links_due(user_id: int | None = None):
    """Score links with a passing score the LMS does not have yet, each annotated `best`."""
    best = (
        Attempt.objects.filter(
            user=OuterRef("platform_user__user"), quiz__module=OuterRef("module"), passed=True
        )
        .values("user")
        .annotate(best=Max("score"))
        .values("best")
    )
    links = (
        ScoreLink.objects.annotate(best=Subquery(best))
        .filter(best__isnull=False, failures__lt=MAX_FAILURES)
        .filter(Q(sent_score__isnull=True) | Q(sent_score__lt=F("best")))
        .select_related(
            "platform_user__platform__registration", "platform_user__platform__organisation", "module"
        )
    )
    if user_id is not None:
        links = links.filter(platform_user__user_id=user_id)
    return links


def scores_send(*, user_id: int | None = None) -> tuple[int, int]:
    """Post every score due (only `user_id`'s, if given). Returns (sent, failed)."""
    links = list(links_due(user_id))
    if not links:
        return 0, 0
    tool_key_ensure()
    sent = failed = 0
    connectors: dict[int, ServiceConnector] = {}  # one access token per LMS per run
    for link in links:
        platform = link.platform_user.platform
        registration = platform.registration
        if registration.pk not in connectors:
            connectors[registration.pk] = ServiceConnector(registration.to_registration(), http_session())
        grade = (
            Grade()
            .set_score_given(link.best)
            .set_score_maximum(100)
            .set_timestamp(timezone.now().isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_user_id(link.platform_user.sub)
        )
        service = AssignmentsGradesService(
            connectors[registration.pk], {"scope": link.scopes, "lineitem": link.lineitem_url}
        )
        try:
            service.put_grade(grade)
        except (LtiServiceException, LtiException, requests.RequestException, ValueError) as exc:
            failed += 1
            _failure_record(link, str(exc))
            continue
        link.sent_score, link.sent_at, link.last_error = link.best, timezone.now(), ""
        link.save(update_fields=["sent_score", "sent_at", "last_error"])
        sent += 1
    return sent, failed


def _failure_record(link: ScoreLink, error: str) -> None:
    link.failures += 1
    link.last_error = error[:300]
    link.save(update_fields=["failures", "last_error"])
    logger.warning("Score for link %s not sent (try %d): %s", link.pk, link.failures, error[:300])
    if link.failures == 1:
        platform = link.platform_user.platform
        audit_record(
            organisation=platform.organisation,
            actor=None,
            action=AuditEvent.Action.LTI_SCORE_FAILED,
            target=_("%(module)s for %(email)s to %(lms)s: %(error)s")
            % {
                "module": link.module.title,
                "email": link.platform_user.user.email,
                "lms": platform.registration.name,
                "error": error[:120],
            },
        )
