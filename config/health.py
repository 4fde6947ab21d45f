"""/healthz for load balancers: the database's and the task queue's state, no login, no session."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok", "tasks": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db"):
        checks["tasks"] = _queue_state() if checks["database"] == "ok" else "unavailable"
    else:
        checks["tasks"] = "ok (runs in process)"
    healthy = checks["database"] == "ok" and not checks["tasks"].startswith("unavailable")
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def _queue_state() -> str:
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.filter(status="READY").count()
    except DatabaseError:
        return "unavailable"
    return f"ok ({waiting} waiting)"
