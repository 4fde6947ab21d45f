"""Facilitated session pages. The facilitator's pages go through
facilitation.services.get_facilitator_membership / get_session_for_user (404 outsiders, 403
plain members); the attendees' join page takes only the code and their login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.mail import absolute_url

from .forms import JoinForm, RosterForm, SessionForm
from .presenter import session_steps
from .services import (
    attendance_join,
    attendance_set_roster,
    get_facilitator_membership,
    get_session_for_user,
    session_create,
    session_end,
)
from .sheets import attendance_rows, sheet_csv, sheet_pdf

PAGE_SIZE = 50
# Wrong codes an attendee may try in a window (per account: a room shares one IP address).
JOIN_MISSES_ALLOWED = 10
JOIN_WINDOW_SECONDS = 300


@login_required
@require_GET
def session_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_facilitator_membership(request.user, slug)
    sessions = membership.organisation.facilitated_sessions.select_related("module", "facilitator")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "facilitation/list.html",
        {"organisation": membership.organisation, "membership": membership, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_facilitator_membership(request.user, slug)
    form = SessionForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        session = session_create(
            organisation=membership.organisation,
            actor=request.user,
            module=form.cleaned_data["module"],
            facilitator=form.cleaned_data["facilitator"].user,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.ends_at,
        )
        return redirect("facilitation:detail", slug, session.key)
    return render(request, "facilitation/new.html", {"organisation": membership.organisation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    membership, session = get_session_for_user(request.user, slug, key)
    attendances = attendance_rows(session)
    form = RosterForm(request.POST or None, organisation=session.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_set_roster(
                session=session, user_ids={m.user_id for m in form.cleaned_data["attendees"]}
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Attendance saved."))
        return redirect("facilitation:detail", slug, key)
    if request.method == "GET":
        ticked = {a.user_id for a in attendances}
        form.initial = {"attendees": [m for m in form.fields["attendees"].queryset if m.user_id in ticked]}
    context = {
        "organisation": session.organisation,
        "session": session,
        "attendances": attendances,
        "form": form,
        "join_url": absolute_url(reverse("facilitation:join")),
        "joinable": session.is_joinable(),
    }
    return render(request, "facilitation/detail.html", context)


@login_required
@require_POST
def session_end_view(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    _membership, session = get_session_for_user(request.user, slug, key)
    if session.is_ended:
        messages.info(request, _("This session had already ended."))
    else:
        completed = session_end(session=session)
        messages.success(
            request,
            _("The session has ended. Attendees credited: %(n)d; modules completed now: %(done)d.")
            % {"n": session.attendances.count(), "done": completed},
        )
    return redirect("facilitation:detail", slug, key)


@login_required
@require_GET
def session_present(request: HttpRequest, slug: str, key: str, step: int = 1) -> HttpResponse:
    _membership, session = get_session_for_user(request.user, slug, key)
    steps = session_steps(session)
    if not 1 <= step <= len(steps):
        raise Http404
    context = {
        "organisation": session.organisation,
        "session": session,
        "step": steps[step - 1],
        "number": step,
        "total": len(steps),
        "previous": step - 1 if step > 1 else None,
        "next": step + 1 if step < len(steps) else None,
        "join_url": absolute_url(reverse("facilitation:join")),
    }
    return render(request, "facilitation/present.html", context)


@login_required
@require_GET
def sheet_csv_view(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    _membership, session = get_session_for_user(request.user, slug, key)
    response = HttpResponse(
        sheet_csv(session, attendance_rows(session)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{session.key}.csv"'
    return response


@login_required
@require_GET
def sheet_pdf_view(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    _membership, session = get_session_for_user(request.user, slug, key)
    response = HttpResponse(sheet_pdf(session, attendance_rows(session)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attendance-{session.key}.pdf"'
    return response


def _join_key(request: HttpRequest) -> str:
    bucket = int(timezone.now().timestamp()) // JOIN_WINDOW_SECONDS
    return f"ratelimit:session-join:{request.user.pk}:{bucket}"


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        key = _join_key(request)
        if cache.get(key, 0) >= JOIN_MISSES_ALLOWED:
            form.add_error("code", _("Too many wrong codes. Please wait five minutes and try again."))
            status = 429
        else:
            try:
                session = attendance_join(user=request.user, code=form.cleaned_data["code"])
            except ValidationError as error:
                cache.add(key, 0, timeout=JOIN_WINDOW_SECONDS + 5)
                cache.incr(key)
                form.add_error("code", error.messages[0])
                status = 400
            else:
                facilitator = session.facilitator
                messages.success(
                    request,
                    _(
                        "You have joined “%(module)s”, run by %(name)s. You will be credited when the session ends."
                    )
                    % {"module": session.module.title, "name": facilitator.name if facilitator else ""},
                )
                return redirect("facilitation:join")
    elif request.method == "POST":
        status = 400
    return render(request, "facilitation/join.html", {"form": form}, status=status)
