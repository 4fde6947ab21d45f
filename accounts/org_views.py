"""Organisation pages: my organisations, creating one, settings, join link, members and roles,
groups, leaving, and the audit log. Each view fetches what it names through the access helpers
in accounts.services (404 for outsiders, 403 for members on admin pages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .mail import absolute_url
from .org_forms import GroupCreateForm, GroupForm, OrganisationCreateForm, OrganisationSettingsForm, RoleForm
from .services import (
    get_group_in,
    get_member_in,
    get_membership_for_user,
    get_organisation_for_user,
    group_create,
    group_delete,
    group_update,
    join_link_change,
    membership_leave,
    membership_remove,
    membership_set_role,
    organisation_create,
    organisation_update,
    organisations_of,
)

PAGE_SIZE = 50


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/list.html", {"memberships": organisations_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("“%s” is ready. Next, invite your staff.") % organisation.name)
        return redirect("orgs:invitations", organisation.slug)
    return render(request, "orgs/new.html", {"form": form})


@login_required
@require_POST
def organisation_leave(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership_for_user(request.user, slug)
    organisation = membership.organisation
    try:
        membership_leave(membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("compliance:detail", slug)
    messages.success(
        request, _("You have left %s. Your progress and certificates stay yours.") % organisation.name
    )
    return redirect("orgs:list")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        organisation_update(
            organisation=organisation, actor=request.user, fields=fields, logo=form.cleaned_data["new_logo"]
        )
        messages.success(request, _("Settings saved."))
        return redirect("orgs:settings", organisation.slug)
    if request.method == "POST":
        organisation.refresh_from_db()  # the form changed the instance; show saved values in the header
    join_url = absolute_url(f"/join/{organisation.join_code}/")
    return render(
        request, "orgs/settings.html", {"organisation": organisation, "form": form, "join_url": join_url}
    )


@login_required
@require_POST
def organisation_join_link(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    action = request.POST.get("action")
    if action not in {"enable", "disable", "rotate"}:
        messages.error(request, _("Choose what to do with the join link."))
        return redirect("orgs:settings", slug)
    enabled = action != "disable" if action != "rotate" else organisation.join_enabled
    join_link_change(
        organisation=organisation, actor=request.user, enabled=enabled, rotate=action == "rotate"
    )
    messages.success(request, _("The join link was updated."))
    return redirect("orgs:settings", slug)


@login_required
@require_GET
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    members = organisation.memberships.select_related("user").order_by("user__name", "user_id")
    search = request.GET.get("q", "").strip()
    if search:
        members = members.filter(Q(user__name__icontains=search) | Q(user__email__icontains=search))
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "q": search,
        "roles": RoleForm.base_fields["role"].choices,
    }
    return render(request, "orgs/members.html", context)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    actor = get_membership_for_user(request.user, slug, admin=True)
    membership = get_member_in(actor.organisation, key)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            membership_set_role(actor=actor, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("%s's role was changed.") % membership.user.name)
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("orgs:members", slug)


def confirm_page(
    request: HttpRequest, organisation, *, question: str, explanation: list[str], action: str, cancel_url: str
) -> HttpResponse:
    """The question a destructive action asks first (GET); its form POSTs to the same URL."""
    context = {
        "organisation": organisation,
        "question": question,
        "explanation": explanation,
        "action": action,
        "cancel_url": cancel_url,
    }
    return render(request, "orgs/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    actor = get_membership_for_user(request.user, slug, admin=True)
    membership = get_member_in(actor.organisation, key)
    if request.method == "GET":
        return confirm_page(
            request,
            actor.organisation,
            question=_("Remove %(name)s from %(org)s?")
            % {"name": membership.user.name, "org": actor.organisation.name},
            explanation=[
                _(
                    "They leave its groups and lose the training it assigned them and any extra time given. "
                    "Their progress and certificates stay theirs. You can invite them again later."
                )
            ],
            action=_("Remove %s") % membership.user.name,
            cancel_url=reverse("orgs:members", args=[slug]),
        )
    try:
        membership_remove(actor=actor, membership=membership)
        messages.success(request, _("%s was removed from the organisation.") % membership.user.name)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("orgs:members", slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    form = GroupCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        group = group_create(organisation=organisation, actor=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Group “%s” created. Now choose its members.") % group.name)
        return redirect("orgs:group", slug, group.key)
    groups = organisation.groups.annotate(member_count=Count("members"))
    return render(request, "orgs/groups.html", {"organisation": organisation, "groups": groups, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    group = get_group_in(organisation, key)
    initial = {"name": group.name, "members": list(group.members.all())}
    form = GroupForm(request.POST or None, organisation=organisation, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        group_update(
            organisation=organisation,
            actor=request.user,
            group=group,
            name=form.cleaned_data["name"],
            members=list(form.cleaned_data["members"]),
        )
        messages.success(request, _("Group saved."))
        return redirect("orgs:groups", slug)
    return render(request, "orgs/group.html", {"organisation": organisation, "group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_remove(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    group = get_group_in(organisation, key)
    if request.method == "GET":
        return confirm_page(
            request,
            organisation,
            question=_("Delete the group “%s”?") % group.name,
            explanation=[
                _(
                    "The assignments made to this group are removed too, so its members no longer have "
                    "that training assigned. Their progress and certificates stay theirs."
                )
            ],
            action=_("Delete the group"),
            cancel_url=reverse("orgs:group", args=[slug, key]),
        )
    group_delete(organisation=organisation, actor=request.user, group=group)
    messages.success(request, _("Group “%s” deleted.") % group.name)
    return redirect("orgs:groups", slug)


@login_required
@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, admin=True)
    events = organisation.audit_events.select_related("actor")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/audit.html", {"organisation": organisation, "page": page})
