"""An organisation's learning pages: a member's view of what it assigned them, and its admins'
assignments, compliance dashboard, one module's report, the printable report, the CSV export and
"Remind overdue now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import get_membership_for_user, get_organisation_for_user
from courses.services import get_module, module_statuses, modules_with_lesson_counts

from . import assignments
from .forms import AssignmentForm, DashboardFilterForm, ExtensionForm
from .reports import dashboard_rows, module_report, report_csv_lines, report_export_record, row_items
from .status import assigned_to_user, member_rows, organisation_plan
from .tasks import reminders_request

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
@require_POST
def assignment_delete(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    assignment = assignments.get_assignment_in(organisation, key)
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
    plan = organisation_plan(organisation)
    summary, rows = dashboard_rows(
        organisation=organisation,
        plan=plan,
        group_id=group.pk if group else None,
        status=filters.get("status", ""),
        search=filters.get("q", ""),
        sort=filters.get("sort", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [
        [row.cells.get(m.pk) for m in plan.modules] + [row.practice.get(c.pk) for c in plan.conversations]
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "form": form,
        "plan": plan,
        "summary": summary,
        "page": page,
        "rows": list(zip(page.object_list, columns, strict=True)),
        "column_count": len(plan.modules) + len(plan.conversations) + 2,
        "query": query.urlencode(),
        "today": timezone.localdate(),
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
    """The printable report: every member and their assigned modules."""
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    plan = organisation_plan(organisation)
    context = {
        "organisation": organisation,
        "rows": _with_titles(member_rows(organisation=organisation, plan=plan), plan),
        "today": timezone.localdate(),
    }
    return render(request, "orgs/report.html", context)


def _with_titles(rows, plan):
    """Each row's cells as ready-made strings: the report can hold thousands of lines, and
    formatting in Python is several times cheaper than template tags per cell."""

    def day(value) -> str:
        return date_format(value, "j M Y") if value else "–"

    for row in rows:
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
@require_POST
def remind_overdue(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    reminders_request(organisation=organisation, actor=request.user)
    messages.success(
        request, _("Reminders are on their way to everyone who is overdue (at most one a day each).")
    )
    return redirect("compliance:dashboard", slug)
