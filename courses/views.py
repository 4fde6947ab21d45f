from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance.status import assigned_to_user
from quizzes.refreshers import refreshers_due

from . import report_checklist as checklist
from .context_processors import safety
from .forms import PracticeChoiceForm, PracticeRewindForm
from .handouts import handout_pdf
from .help import CHECKED, INTERNATIONAL
from .models import GlossaryTerm, Handout, Source, Track
from .practice import (
    RESTARTED,
    STALE,
    InvalidChoice,
    conversations_with_practice,
    current_path,
    get_conversation,
    practice_adopt_guest_path,
    practice_choose,
    practice_for,
    practice_rewind,
    practice_state,
)
from .services import (
    ATTEMPTS_SHOWN,
    active_lessons_marking_done,
    attempts_for,
    get_handout,
    get_lesson,
    get_lesson_in_its_module,
    get_module,
    get_module_page,
    get_page,
    learner_progress,
    lesson_complete,
    lesson_open,
    module_page_status,
    module_statuses,
    modules_with_lesson_counts,
    next_step_url,
    practice_list,
    recent_status,
)
from .templatetags.fragments import get_or_render
from .translations import localize, translated


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every module once, the tracks as paths through them, and one way in: "Start here" for a
    newcomer (the first module of their recommended track), "Continue" for everyone else."""
    modules = list(modules_with_lesson_counts())
    statuses = module_statuses(user=request.user, modules=modules)
    tracks = list(Track.objects.filter(is_active=True).prefetch_related("track_modules"))
    localize(*modules, *tracks)
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
    recent = recent_status(statuses)
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
    """The module page. Its body is kept per process under the learner's version of the module
    (`get_module_page`), so a repeat view is one query and the body is built only after something
    it shows has changed: no query below runs on a hit."""
    module = get_module_page(slug, user=request.user)
    localize(module)
    show_all = request.GET.get("attempts") == "all"
    key = ("module-page", translation.get_language(), timezone.get_current_timezone_name(), show_all)
    body = get_or_render(
        (*key, *module.page_version),
        lambda: render_to_string(
            "courses/module_body.html", _module_context(request, module, show_all), request=request
        ),
    )
    return render(request, "courses/module.html", {"module": module, "body": mark_safe(body)})  # nosec B308 B703: rendered by the engine


def _module_context(request: HttpRequest, module, show_all: bool) -> dict:
    lessons = list(
        active_lessons_marking_done(module, user=request.user).only(
            "slug", "title", "minutes", "position", "module_id", "translations"
        )
    )
    translated = localize(module, *lessons)
    module.lesson_count = len(lessons)
    done = {lesson.pk for lesson in lessons if lesson.done}
    attempts = attempts_for(user=request.user, module=module, limit=None if show_all else ATTEMPTS_SHOWN)
    status = module_page_status(module, lessons_done=len(done), attempts=attempts)
    return {
        "module": module,
        "lessons": lessons,
        "done": done,
        "status": status,
        "has_quiz": module.has_quiz,
        "untranslated": not translated,
        # Lazy: read only when the page's cached fragment has to be rendered again.
        "handouts": module.handouts.filter(is_active=True).only("slug", "title", "audience", "translations"),
        "skip_url": reverse("courses:home"),
        "skip_label": _("Choose another module"),
        "later_url": _later_url(request),
        "conversations": (
            list(
                conversations_with_practice(user=request.user, module_id=module.pk).only(
                    "slug", "title", "summary", "translations"
                )
            )
            if module.has_conversations
            else []
        ),
        "attempts": attempts,
        # What each listed attempt shows, and the time zone its date is shown in.
        "attempts_key": (
            timezone.get_current_timezone_name(),
            [(a.token, a.submitted_at, a.score, a.passed) for a in attempts],
        ),
        "attempts_shown": ATTEMPTS_SHOWN,
    }


def _later_url(request: HttpRequest) -> str:
    """Where "Come back later" goes: My learning keeps the learner's place; visitors go home."""
    return reverse("courses:my_learning") if request.user.is_authenticated else reverse("courses:home")


@require_GET
def module_continue(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_module(slug)
    return redirect(next_step_url(user=request.user, module=module))


@require_GET
def lesson_detail(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    lesson, lessons = get_lesson_in_its_module(slug, lesson_slug, user=request.user)
    module = lesson.module
    translated = localize(module, *lessons)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    if request.user.is_authenticated:
        lesson_open(user=request.user, lesson=lesson, opened_at=lesson.opened_at)
    done_ids = {item.pk for item in lessons if item.done}
    following = lessons[index + 1] if index + 1 < len(lessons) else None
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
        "next": following,
        # Lazy: read only when the page's cached fragment has to be rendered again.
        "sources": module.sources.all(),
        "untranslated": not translated,
        "skip_url": following.get_absolute_url() if following else module.get_absolute_url(),
        "skip_label": _("Skip this lesson") if following else _("Skip to the module page"),
        "later_url": _later_url(request),
    }
    return render(request, "courses/lesson.html", context)


@login_required
@require_POST
def lesson_mark_complete(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    module = get_module(slug)
    lesson = get_lesson(module, lesson_slug)
    if lesson_complete(user=request.user, lesson=lesson):
        messages.success(request, _("Well done: you have completed “%s”.") % translated(module, "title"))
        return redirect(module)
    return redirect(next_step_url(user=request.user, module=module))


@login_required
@require_GET
def my_learning(request: HttpRequest) -> HttpResponse:
    progress = learner_progress(user=request.user)
    statuses = progress.statuses
    localize(*(s.module for s in statuses.values()))
    order = progress.track_order
    mine = [statuses[pk] for pk in order if pk in statuses]
    refreshers = refreshers_due(user=request.user, statuses=statuses.values())
    others = [s for pk, s in statuses.items() if pk not in order and s.state != "not_started"]
    # Only organisations assign: for a learner in none there is nothing to look up.
    assigned = assigned_to_user(user=request.user, statuses=statuses) if progress.in_organisation else []
    context = {
        "track_title": progress.track_title,
        "statuses": mine + others,
        "recent": recent_status(statuses),
        "completed": sum(1 for s in mine if s.state == "completed"),
        "total": len(mine),
        "assigned": assigned,
        "refreshers": refreshers,
        # Like the modules: those written for the learner's role, and any they have tried.
        "conversations": [
            c
            for c in practice_list(user=request.user, statuses=statuses)
            if request.user.recommended_audience in c.audiences.split(",") or c.practice_path is not None
        ],
    }
    context["progress_key"] = _my_progress_key(context)
    return render(request, "courses/my_learning.html", context)


def _my_progress_key(context: dict) -> tuple:
    """Everything the track ring, the modules table and the practice list show, as plain values:
    the key of their cached fragment. Two learners share it only when these are identical (the
    same titles in the same language, the same progress, dates and results)."""
    return (
        timezone.get_current_timezone_name(),
        context["track_title"],
        context["completed"],
        context["total"],
        tuple(
            (
                s.module.slug,
                s.module.title,
                s.state,
                s.percent,
                s.lessons_done,
                s.lessons_total,
                s.best_score,
                s.attempts,
                s.last_activity_at,
            )  # fmt: skip
            for s in context["statuses"]
        ),
        tuple(
            (
                c.get_absolute_url(),
                translated(c, "title"),
                translated(c.module, "title"),
                c.practised_at,
                c.practice_path is not None,
            )  # fmt: skip
            for c in context["conversations"]
        ),
    )


# --- Practice conversations -------------------------------------------------------------------


@require_GET
def practice_intro(request: HttpRequest, slug: str) -> HttpResponse:
    """The situation and the content note, with the choice to start, continue or skip."""
    conversation = get_conversation(slug)
    translated_here = localize(conversation, conversation.module)
    practice = practice_for(user=request.user, conversation=conversation)
    path = current_path(practice=practice, session=request.session, conversation=conversation)
    context = {
        "conversation": conversation,
        "module": conversation.module,
        "state": practice_state(conversation=conversation, path=path),
        "practice": practice,
        "untranslated": not translated_here,
    }
    return render(request, "courses/practice_intro.html", context)


@require_http_methods(["GET", "POST"])
def practice_play(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the conversation so far and the choices for this turn, or the debrief at an ending.
    POST: one choice, a plain form post (POST, redirect, GET), for guests too."""
    conversation = get_conversation(slug)
    if request.method == "POST":
        form = PracticeChoiceForm(request.POST)
        if not form.is_valid():
            raise BadRequest("practice POST without a valid turn, node and choice")
        data = form.cleaned_data
        try:
            outcome = practice_choose(
                user=request.user, session=request.session, conversation=conversation,
                step=data["step"], node=data["node"], key=data["choice"],
            )  # fmt: skip
        except InvalidChoice as exc:
            raise BadRequest(str(exc)) from exc
        _tell(request, outcome)
        return redirect(reverse("courses:practice_play", args=[slug]) + "#now")
    practice_adopt_guest_path(user=request.user, session=request.session, conversation=conversation)
    practice = practice_for(user=request.user, conversation=conversation)
    path = current_path(practice=practice, session=request.session, conversation=conversation)
    # The translation has the same graph (the loader checked it), so the path walks either one.
    untranslated = not localize(conversation, conversation.module)
    state = practice_state(conversation=conversation, path=path)
    context = {
        "conversation": conversation,
        "module": conversation.module,
        "state": state,
        "untranslated": untranslated,
    }
    if not state.is_ending:
        return render(request, "courses/practice_play.html", context)
    context["practice"] = practice
    context["sources"] = list(conversation.module.sources.all())
    return render(request, "courses/practice_debrief.html", context)


@require_POST
def practice_restart(request: HttpRequest, slug: str) -> HttpResponse:
    """Start again, or go back to one turn to try another answer."""
    conversation = get_conversation(slug)
    form = PracticeRewindForm(request.POST)
    if not form.is_valid():
        raise BadRequest("practice restart without a valid turn")
    outcome = practice_rewind(
        user=request.user, session=request.session, conversation=conversation, step=form.cleaned_data["step"]
    )
    _tell(request, outcome)
    return redirect(reverse("courses:practice_play", args=[slug]) + "#now")


def _tell(request: HttpRequest, outcome: str) -> None:
    if outcome == STALE:
        messages.info(
            request, _("That turn was already answered, so nothing changed. Here is where you are now.")
        )
    elif outcome == RESTARTED:
        messages.info(request, _("This conversation was updated since you began, so it starts again."))


@require_GET
def get_help(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/help.html")


@require_GET
def outside_us(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/outside_us.html", {"countries": INTERNATIONAL, "CHECKED": CHECKED})


@require_GET
# What an adult types here must never leave the browser: beyond the page sending nothing, the
# CSP forbids fetch, XHR, beacons and WebSockets outright on this page.
@csp_replace({"connect-src": ["'none'"]})
def report_checklist(request: HttpRequest) -> HttpResponse:
    context = {
        "images": checklist.IMAGES, "notes": checklist.NOTES, "keep": checklist.KEEP,
        "routes": checklist.ROUTES, "sources": checklist.SOURCES, "cites": checklist.CITES,
        "checked": checklist.CHECKED,
    }  # fmt: skip
    return render(request, "courses/report_checklist.html", context)


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    page, terms = get_page("glossary"), list(GlossaryTerm.objects.filter(is_active=True))
    context = {"page": page, "terms": terms, "untranslated": not localize(page, *terms)}
    return render(request, "courses/glossary.html", context)


@require_GET
def how_made(request: HttpRequest) -> HttpResponse:
    sources = (
        Source.objects.filter(module__is_active=True)
        .select_related("module")
        .order_by("module__position", "number")
    )
    page = get_page("how-this-course-was-made")
    context = {"page": page, "sources": list(sources), "untranslated": not localize(page)}
    return render(request, "courses/how_made.html", context)


@require_GET
def warning_signs(request: HttpRequest) -> HttpResponse:
    page = get_page("warning-signs")
    return render(request, "courses/page.html", {"page": page, "untranslated": not localize(page)})


@require_GET
def handout_list(request: HttpRequest) -> HttpResponse:
    handouts = list(
        Handout.objects.filter(is_active=True).only("slug", "title", "audience", "summary", "translations")
    )
    localize(*handouts)
    return render(request, "courses/handouts.html", {"handouts": handouts})


@require_GET
def handout_detail(request: HttpRequest, slug: str) -> HttpResponse:
    handout = get_handout(slug)
    return render(
        request, "courses/handout.html", {"handout": handout, "untranslated": not localize(handout)}
    )


@require_GET
def handout_pdf_download(request: HttpRequest, slug: str) -> HttpResponse:
    handout = get_handout(slug)
    localize(handout)
    response = HttpResponse(handout_pdf(handout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="onguard-{handout.slug}.pdf"'
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page with the help lines; rendered without the request context, so it cannot fail
    again on whatever broke (the database, a context processor)."""
    try:
        html = render_to_string("500.html", safety(request))
    except Exception:  # the page itself broke (e.g. missing static manifest): plain words
        html = "<h1>Something went wrong on our side</h1><p>Please try again in a few minutes.</p>"
    return HttpResponse(html, status=500)
