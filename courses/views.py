from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compliance.status import assigned_to_user

from .context_processors import safety
from .models import Track
from .services import (
    ATTEMPTS_SHOWN,
    active_lessons,
    attempts_for,
    get_lesson,
    get_module,
    lesson_complete,
    lesson_open,
    lessons_done,
    module_statuses,
    modules_with_lesson_counts,
    next_step_url,
    recent_module,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every module once, the tracks as paths through them, and one way in: "Start here" for a
    newcomer (the first module of their recommended track), "Continue" for everyone else."""
    modules = list(modules_with_lesson_counts())
    statuses = module_statuses(user=request.user, modules=modules)
    tracks = list(Track.objects.filter(is_active=True).prefetch_related("track_modules"))
    for status in statuses.values():
        status.paths = []
    for track in tracks:
        track.statuses = [
            statuses[tm.module_id] for tm in track.track_modules.all() if tm.module_id in statuses
        ]
        track.completed = sum(1 for s in track.statuses if s.state == "completed")
        track.recommended = (
            request.user.is_authenticated and track.audience == request.user.recommended_audience
        )
        for status in track.statuses:
            status.paths.append(track.title)
    tracks.sort(key=lambda t: not t.recommended)
    recent = recent_module(user=request.user)
    started = any(s.started for s in statuses.values())
    assigned = assigned_to_user(user=request.user, statuses=statuses)
    # A newcomer starts with what their organisation needs first, else their path's first module.
    first = (
        assigned[0].module if assigned else next((t.statuses[0].module for t in tracks if t.statuses), None)
    )
    context = {
        "tracks": tracks,
        "modules": sorted(statuses.values(), key=lambda s: (s.module.position, s.module.slug)),
        "recent": recent,
        "start": first if not recent and not started else None,
        "assigned": assigned,
    }
    return render(request, "courses/home.html", context)


@require_GET
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_module(slug)
    lessons = list(active_lessons(module))
    module.lesson_count = len(lessons)
    status = module_statuses(user=request.user, modules=[module])[module.pk]
    done = set()
    if request.user.is_authenticated:
        done = set(module.lessons.filter(progress__user=request.user).values_list("pk", flat=True))
    show_all = request.GET.get("attempts") == "all"
    context = {
        "module": module,
        "lessons": lessons,
        "done": done,
        "status": status,
        "has_quiz": hasattr(module, "quiz"),
        "attempts": attempts_for(
            user=request.user, module=module, limit=None if show_all else ATTEMPTS_SHOWN
        ),
        "attempts_shown": ATTEMPTS_SHOWN,
    }
    return render(request, "courses/module.html", context)


@require_GET
def module_continue(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_module(slug)
    return redirect(next_step_url(user=request.user, module=module))


@require_GET
def lesson_detail(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    module = get_module(slug)
    lesson = get_lesson(module, lesson_slug)
    lessons = list(active_lessons(module).only("slug", "title", "position", "module_id"))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    done_ids: set[int] = set()
    if request.user.is_authenticated:
        lesson_open(user=request.user, lesson=lesson)
        done_ids = lessons_done(user=request.user, lessons=lessons)
    context = {
        "module": module,
        "lesson": lesson,
        "lessons": lessons,
        "done_ids": done_ids,
        "done_count": len(done_ids),
        "done": lesson.pk in done_ids,
        "number": index + 1,
        "count": len(lessons),
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "sources": list(module.sources.all()),
    }
    return render(request, "courses/lesson.html", context)


@login_required
@require_POST
def lesson_mark_complete(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    module = get_module(slug)
    lesson = get_lesson(module, lesson_slug)
    if lesson_complete(user=request.user, lesson=lesson):
        messages.success(request, _("Well done: you have completed “%s”.") % module.title)
        return redirect(module)
    return redirect(next_step_url(user=request.user, module=module))


@login_required
@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    modules = list(modules_with_lesson_counts())
    statuses = module_statuses(user=request.user, modules=modules)
    track = (
        Track.objects.filter(is_active=True, audience=request.user.recommended_audience)
        .prefetch_related("track_modules")
        .first()
    )
    order = [tm.module_id for tm in track.track_modules.all()] if track else []
    mine = [statuses[pk] for pk in order if pk in statuses]
    others = [s for pk, s in statuses.items() if pk not in order and s.state != "not_started"]
    context = {
        "track": track,
        "statuses": mine + others,
        "recent": recent_module(user=request.user),
        "completed": sum(1 for s in mine if s.state == "completed"),
        "total": len(mine),
        "assigned": assigned_to_user(user=request.user, statuses=statuses),
    }
    return render(request, "courses/my_learning.html", context)


@require_GET
def get_help(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/help.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page with the help lines; rendered without the request context, so it cannot fail
    again on whatever broke (the database, a context processor)."""
    try:
        html = render_to_string("500.html", safety(request))
    except Exception:  # the page itself broke (e.g. missing static manifest): plain words
        html = "<h1>Something went wrong on our side</h1><p>Please try again in a few minutes.</p>"
    return HttpResponse(html, status=500)
