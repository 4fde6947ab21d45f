import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certificates.services import certificates_for_module
from courses.services import get_module

from .forms import QuizForm
from .refreshers import (
    PASS_MARK,
    get_refresher_for_user,
    refresher_open,
    refresher_review,
    refresher_state,
    refresher_submit,
    scenarios_of,
)
from .services import (
    attempt_review,
    attempt_submit,
    best_attempt,
    best_score,
    draw_for,
    draw_questions_of,
    get_attempt_for_user,
    get_draw_for_user,
    quiz_for_page,
)


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_module(slug)
    quiz, translated = quiz_for_page(module)
    if request.method == "POST":
        token = _token(request.POST.get("token"))
        draw = get_draw_for_user(request.user, quiz, token)
        if draw.content_hash != module.content_hash:
            messages.warning(
                request,
                _(
                    "This quiz was updated after you opened it, so those answers were not saved. "
                    "Here is the current quiz."
                ),
            )
            return redirect("quizzes:quiz", slug)
        form = QuizForm(draw_questions_of(draw, quiz), draw, request.POST)
        if form.has_forged_values():
            raise BadRequest("quiz POST names a question or choice outside this form")
        if form.is_valid():
            attempt, created = attempt_submit(
                user=request.user, quiz=quiz, token=token, selected=form.selected(), draw=draw
            )
            if not created:
                messages.info(
                    request,
                    _(
                        "You already submitted these answers, so nothing was changed. "
                        "Here is the result. Choose “Retake the quiz” to try again."
                    ),
                )
            return redirect(attempt)
        draw.best_score = best_score(user=request.user, quiz=quiz)  # shown again with the errors
    else:
        draw = draw_for(user=request.user, quiz=quiz)
        form = QuizForm(draw_questions_of(draw, quiz), draw, initial={"token": draw.token})
    context = {
        "untranslated": not translated,
        "module": module,
        "quiz": quiz,
        "form": form,
        # Made (with the form's fields) only if the page shows them: an unanswered form's
        # questions are usually a rendered fragment already (templates/quizzes/quiz.html).
        "sections": SimpleLazyObject(partial(form.sections, quiz.scenarios.all())),
        "total": len(form.questions),
        "best_score": draw.best_score,
    }
    return render(request, "quizzes/quiz.html", context)


def _token(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadRequest("quiz POST has no valid attempt token") from None


@login_required
@require_GET
def result(request: HttpRequest, token: str) -> HttpResponse:
    attempt = get_attempt_for_user(request.user, token)
    quiz, translated = quiz_for_page(attempt.quiz.module)
    context = {
        "untranslated": not translated,
        "attempt": attempt,
        "module": attempt.quiz.module,
        "quiz": quiz,
        "sections": attempt_review(attempt, quiz),
        "best": best_attempt(user=request.user, quiz=quiz),
        # A pass offers the certificate at once (one query, only after a pass).
        "certificates": certificates_for_module(user=request.user, module=attempt.quiz.module)
        if attempt.passed
        else [],
    }
    return render(request, "quizzes/result.html", context)


# --- Spaced refreshers (quizzes/refreshers.py) -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def refresher(request: HttpRequest, slug: str) -> HttpResponse:
    """A due refresher's three questions as a plain form; on submit, its feedback page."""
    module = get_module(slug)
    state = refresher_state(user=request.user, module=module)
    if state is None:
        raise Http404  # no completion of this module: nothing to refresh
    if request.method == "POST":
        refresher = get_refresher_for_user(request.user, request.POST.get("token"))
        if refresher.quiz.module_id != module.pk:
            raise Http404
        if refresher.submitted_at is not None:
            messages.info(request, _("You already submitted this refresher, so nothing was changed."))
            return redirect(refresher)
        quiz, translated = quiz_for_page(module)
        if refresher.content_hash != module.content_hash:
            messages.warning(
                request, _("This module was updated after you opened the refresher. Here are new questions.")
            )
            return redirect("quizzes:refresher", slug)
        form = QuizForm(draw_questions_of(refresher, quiz), refresher, request.POST)
        if form.has_forged_values():
            raise BadRequest("refresher POST names a question or choice outside this form")
        if form.is_valid():
            if not refresher_submit(refresher=refresher, quiz=quiz, selected=form.selected()):
                messages.info(request, _("You already submitted this refresher, so nothing was changed."))
            return redirect(refresher)
    elif not state.offered:
        return render(request, "quizzes/refresher_none.html", {"module": module, "state": state})
    else:
        quiz, translated = quiz_for_page(module)
        refresher = refresher_open(user=request.user, quiz=quiz, since=state.due_at)
        form = QuizForm(draw_questions_of(refresher, quiz), refresher, initial={"token": refresher.token})
    context = {
        "untranslated": not translated,
        "module": module,
        "form": form,
        "sections": form.sections(quiz.scenarios.all()),
        "total": len(form.questions),
    }
    return render(request, "quizzes/refresher.html", context)


@login_required
@require_GET
def refresher_result(request: HttpRequest, token: str) -> HttpResponse:
    refresher = get_refresher_for_user(request.user, token)
    module = refresher.quiz.module
    if refresher.submitted_at is None:
        return redirect("quizzes:refresher", module.slug)
    quiz, translated = quiz_for_page(module)
    scenarios = scenarios_of(refresher, quiz)
    items = [
        {**item, "scenario": scenarios.get(item["question"].pk)} for item in refresher_review(refresher, quiz)
    ]
    context = {
        "untranslated": not translated,
        "refresher": refresher,
        "module": module,
        "items": items,
        "total": len(items),
        "pass_count": -(-PASS_MARK * len(items) // 100),
    }
    return render(request, "quizzes/refresher_result.html", context)
