import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certificates.services import certificates_for_module
from courses.services import get_module

from .forms import QuizForm
from .services import (
    attempt_review,
    attempt_submit,
    best_attempt,
    get_attempt_for_user,
    get_quiz,
    quiz_questions,
)


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_module(slug)
    quiz = get_quiz(module)
    questions = quiz_questions(quiz)
    if request.method == "POST":
        form = QuizForm(questions, request.POST)
        if form.has_forged_values():
            raise BadRequest("quiz POST names a question or choice outside this quiz")
        if form.is_valid():
            attempt, created = attempt_submit(
                user=request.user, quiz=quiz, token=form.cleaned_data["token"], selected=form.selected()
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
        if "token" in form.errors:
            raise BadRequest("quiz POST has no valid attempt token")
    else:
        form = QuizForm(questions, initial={"token": uuid.uuid4()})
    context = {
        "module": module,
        "quiz": quiz,
        "form": form,
        "sections": form.sections(quiz.scenarios.all()),
        "best": best_attempt(user=request.user, quiz=quiz),
    }
    return render(request, "quizzes/quiz.html", context)


@login_required
@require_GET
def result(request: HttpRequest, token: str) -> HttpResponse:
    attempt = get_attempt_for_user(request.user, token)
    quiz = get_quiz(attempt.quiz.module)
    context = {
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
