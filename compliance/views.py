"""An organisation's learning pages: a member's view of what it assigned them, and its admins'
assignments, compliance dashboard, one module's report, the printable report, the CSV export and
"Remind overdue now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.services import get_membership_for_user, get_organisation_for_user
from courses.services import get_module, module_statuses, modules_with_lesson_counts

from . import assignments
from .currency import columns_with_currency
from .forms import AssignmentForm, DashboardFilterForm, ExtensionForm
from .reminders import reminders_preview
from .reports import (
    CELL_ORDER,
    PROGRESS_ORDER,
    charts_key,
    dashboard_charts,
    dashboard_page,
    module_report,
    organisation_dashboard_data,
    report_csv_lines,
    report_export_record,
    row_items,
)
from .status import Status, assigned_to_user, organisation_plan
from .tasks import reminders_request
from .templatetags.dashboard_cells import dashboard_rows_html

PAGE_SIZE = 50


@login_required
@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What a member sees of the organisation: their own assignments from it."""
    membership = get_membership_for_user(request.user, slug)
    statuses = module_statuses(user=request.user, modules=list(modules_with_lesson_counts()))
    context = {
        "organisation": membership.organisation,
        "membership": membership,
        "assigned": assigned_to_user(
            user=request.user, statuses=statuses, organisation=membership.organisation
        ),
    }
    return render(request, "orgs/detail.html", context)


@login_required
@require_GET
def assignment_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    assignments = organisation.assignments.select_related(
        "module", "track", "group", "conversation"
    ).order_by("-created_at", "-pk")
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/assignments.html", {"organisation": organisation, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = AssignmentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = assignments.assignment_create(
            organisation=organisation,
            actor=request.user,
            modules=list(data["modules"]) if data["what"] == "modules" else None,
            track=data["track"] if data["what"] == "track" else None,
            conversations=list(data["conversations"]),
            target=data["target"],
            group=data["group"],
            members=list(data["members"]),
            due_date=data["due_date"],
        )
        messages.success(
            request, _("%d assignments made.") % len(created) if len(created) > 1 else _("Assigned.")
        )
        return redirect("compliance:dashboard", slug)
    return render(request, "orgs/assignment_new.html", {"organisation": organisation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_delete(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    assignment = assignments.get_assignment_in(organisation, key)
    if request.method == "GET":
        context = {
            "organisation": organisation,
            "question": _("Remove the assignment of “%s”?") % assignment.subject,
            "explanation": [
                _(
                    "The people it applies to no longer have this training assigned, with its due date and "
                    "any extra time given. Their progress and certificates stay theirs."
                )
            ],
            "action": _("Remove the assignment"),
            "cancel_url": reverse("compliance:assignments", args=[slug]),
        }
        return render(request, "orgs/confirm.html", context)
    assignments.assignment_delete(organisation=organisation, actor=request.user, assignment=assignment)
    messages.success(request, _("The assignment was removed."))
    return redirect("compliance:assignments", slug)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_extend(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    assignment = assignments.get_assignment_in(organisation, key)
    form = ExtensionForm(
        request.POST or None, organisation=organisation, initial={"member": request.GET.get("member")}
    )
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["member"]
        assignments.assignment_extend(
            organisation=organisation,
            actor=request.user,
            assignment=assignment,
            membership=membership,
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(request, _("%s has a new due date.") % membership.user.name)
        return redirect("compliance:assignments", slug)
    context = {"organisation": organisation, "assignment": assignment, "form": form}
    return render(request, "orgs/assignment_extend.html", context)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    groups = list(organisation.groups.all())
    form = DashboardFilterForm(request.GET or None, groups=groups)
    filters = form.cleaned_data if form.is_valid() else {}
    if request.GET.get("group") and not filters.get("group"):
        raise Http404  # a group of another organisation, or none at all
    group = filters.get("group")
    data, page, page_rows = dashboard_page(
        organisation=organisation,
        group_id=group.pk if group else None,
        status=filters.get("status", ""),
        search=filters.get("q", ""),
        sort=filters.get("sort", ""),
        page_number=request.GET.get("page"),
        page_size=PAGE_SIZE,
    )
    plan = data.plan
    columns = [
        [row.cells.get(m.pk) for m in plan.modules] + [row.practice.get(c.pk) for c in plan.conversations]
        for row in page_rows
    ]
    columns = columns_with_currency(organisation=organisation, plan=plan, rows=page_rows, columns=columns)
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    rows = [
        (row, cells, [(m, c) for m, c in zip(plan.modules, cells, strict=False) if c])
        for row, cells in zip(page_rows, columns, strict=True)
    ]
    charts = dashboard_charts(
        data=data,
        plan=plan,
        groups=groups,
        today=today,
        module_url=lambda m: reverse("compliance:module_dashboard", args=[organisation.slug, m.slug]),
    )
    context = {
        "organisation": organisation,
        "form": form,
        "filtered": bool(group or filters.get("status") or filters.get("q")),
        "plan": plan,
        "summary": data.summary,
        "charts": charts,
        "charts_key": charts_key(summary=data.summary, charts=charts, plan=plan),
        "page": page,
        "rows": rows,
        # The table and phone cards, as markup kept for rows that look the same.
        "rows_html": dashboard_rows_html(organisation=organisation, plan=plan, rows=rows) if rows else "",
        "column_count": len(plan.modules) + len(plan.conversations) + 2,
        "progress_keys": [(key, Status(key).label) for key in PROGRESS_ORDER],
        "cell_keys": [(key, Status(key).label) for key in CELL_ORDER],
        "query": query.urlencode(),
        "today": today,
    }
    return render(request, "orgs/dashboard.html", context)


@login_required
@require_GET
def module_dashboard(request: HttpRequest, slug: str, module_slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    module = get_module(module_slug)
    report = module_report(organisation=organisation, module=module)
    peak = max((n for _m, n, _t in report.completions), default=0)
    context = {"organisation": organisation, "module": module, "report": report, "peak": peak}
    return render(request, "orgs/module_report.html", context)


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable report: a summary and completion by module first, then every member and
    their assigned modules (the dashboard's rows, so a refresh after it costs no recount)."""
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    plan = organisation_plan(organisation)
    data = organisation_dashboard_data(organisation=organisation, plan=plan)
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "summary": data.summary,
        "charts": dashboard_charts(data=data, plan=plan, groups=[], today=today),
        "rows": _with_titles(iter(data.rows), plan),
        "today": today,
    }
    return render(request, "orgs/report.html", context)


def _with_titles(rows, plan):
    """Each row's cells as ready-made strings: the report can hold thousands of lines, and
    formatting in Python is several times cheaper than template tags per cell."""

    def day(value) -> str:
        return date_format(value, "j M Y") if value else "–"

    for row in rows:
        if not row.total:
            continue
        row.items = [
            (
                title,
                cell.label,
                day(cell.due_date),
                day(timezone.localtime(cell.completed_at) if cell.completed_at else None),
                day(timezone.localtime(cell.expires_at) if cell.expires_at else None),
            )
            for title, cell in row_items(row, plan)
        ]
        yield row


@login_required
@require_GET
def report_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    report_export_record(organisation=organisation, actor=request.user)
    plan = organisation_plan(organisation)
    group_names = {g.pk: g.name for g in organisation.groups.all()}
    lines = report_csv_lines(organisation=organisation, plan=plan, group_names=group_names)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"{organisation.slug}-training-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def remind_overdue(request: HttpRequest, slug: str) -> HttpResponse:
    """GET says who would be e-mailed (how many, and their names); POST sends."""
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    people = reminders_preview(organisation=organisation, today=timezone.localdate())
    if request.method == "GET":
        context = {"organisation": organisation, "people": people[:PAGE_SIZE], "count": len(people)}
        return render(request, "orgs/remind.html", context)
    if not people:
        messages.info(request, _("Nobody needs a reminder now: everyone overdue was reminded today."))
        return redirect("compliance:dashboard", slug)
    reminders_request(organisation=organisation, actor=request.user)
    messages.success(
        request,
        ngettext(
            "A reminder is on its way to %(n)d person.",
            "Reminders are on their way to %(n)d people.",
            len(people),
        )
        % {"n": len(people)},
    )
    return redirect("compliance:dashboard", slug)
