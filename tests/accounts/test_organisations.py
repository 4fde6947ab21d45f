"""Creating an organisation, its settings and logo, roles, the last owner, groups, leaving and
removal, and the audit log."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import (
    get_membership_for_user,
    get_organisation_for_user,
    membership_add,
    membership_leave,
    membership_set_role,
    organisation_create,
)
from courses.models import LessonProgress, Module, ModuleProgress
from courses.services import lesson_complete
from tests.conftest import client_for, make_user


def test_anyone_signed_in_creates_an_organisation_and_owns_it(parent):
    response = client_for(parent).post(reverse("orgs:new"), {"name": "St Mary's Primary", "kind": "school"})
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "orgs:invitations", args=["st-marys-primary"]
    )
    assert organisation.memberships.get().role == "owner" and organisation.memberships.get().user == parent
    assert AuditEvent.objects.filter(organisation=organisation, action="organisation_create").exists()


def test_slugs_stay_unique_and_avoid_reserved_paths(parent):
    first = organisation_create(user=parent, name="New", kind="other")
    second = organisation_create(user=parent, name="New", kind="other")
    assert first.slug == "new-org" and second.slug == "new-org-2"


def test_bad_input_creates_nothing(parent):
    response = client_for(parent).post(reverse("orgs:new"), {"name": "", "kind": "castle"})
    assert response.status_code == 200 and not Organisation.objects.exists()


def test_creating_needs_log_in(client, db):
    assert client.post(reverse("orgs:new"), {"name": "X", "kind": "school"}).status_code == 302
    assert not Organisation.objects.exists()


def test_a_user_can_belong_to_several_organisations(org_a, org_b, member):
    membership_add(organisation=org_b, user=member)
    response = client_for(member).get(reverse("orgs:list"))
    assert b"School A" in response.content and b"School B" in response.content


def png(size=(1200, 800), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 200)).save(out, format=fmt)
    return out.getvalue()


def settings_data(**extra):
    return {
        "name": "School A",
        "kind": "school",
        "certificate_signatory_name": "Dr Jo Head",
        "certificate_signatory_title": "Headteacher",
        "certificate_validity_months": "12",
        **extra,
    }


def test_settings_save_signatory_validity_and_a_reencoded_logo(org_a, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo.jpg", png(fmt="JPEG"), content_type="image/jpeg")
    response = client_for(owner).post(
        reverse("orgs:settings", args=[org_a.slug]), settings_data(new_logo=upload)
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.certificate_signatory_name, org_a.certificate_validity_months) == ("Dr Jo Head", 12)
    with Image.open(org_a.logo.path) as image:
        assert image.format == "PNG" and max(image.size) == 600


@pytest.mark.parametrize(
    "content, name",
    [
        (b"<svg onload=alert(1)></svg>", "logo.svg"),
        (b"GIF89a not really", "logo.gif"),
        (b"\x89PNG" + b"0" * 2_100_000, "big.png"),
    ],
)
def test_settings_refuse_a_file_that_is_not_a_small_image(org_a, owner, settings, tmp_path, content, name):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content)
    response = client_for(owner).post(
        reverse("orgs:settings", args=[org_a.slug]), settings_data(new_logo=upload)
    )
    assert response.status_code == 200 and "new_logo" in response.context["form"].errors
    org_a.refresh_from_db()
    assert not org_a.logo and org_a.certificate_validity_months is None


def test_settings_refuse_a_validity_out_of_range(org_a, owner):
    response = client_for(owner).post(
        reverse("orgs:settings", args=[org_a.slug]), settings_data(certificate_validity_months="0")
    )
    assert response.status_code == 200
    org_a.refresh_from_db()
    assert org_a.certificate_validity_months is None


def test_the_last_owner_cannot_leave_or_be_demoted(org_a, owner):
    membership = org_a.memberships.get(user=owner)
    with pytest.raises(ValidationError):
        membership_set_role(actor=membership, membership=membership, role="admin")
    with pytest.raises(ValidationError):
        membership_leave(membership=membership)
    response = client_for(owner).post(reverse("orgs:leave", args=[org_a.slug]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_an_owner_promotes_a_member_then_steps_down(org_a, owner, member):
    client = client_for(owner)
    key = org_a.memberships.get(user=member).key
    client.post(reverse("orgs:member_role", args=[org_a.slug, key]), {"role": "owner"})
    own = org_a.memberships.get(user=owner).key
    client.post(reverse("orgs:member_role", args=[org_a.slug, own]), {"role": "admin"})
    roles = dict(org_a.memberships.values_list("user__email", "role"))
    assert roles == {owner.email: "admin", member.email: "owner"}
    assert AuditEvent.objects.filter(action="role_change").count() == 2


def test_an_admin_cannot_make_owners(org_a, owner, member):
    admin = make_user("admin@school-a.org", "educator", "Al Admin")
    membership, _ = membership_add(organisation=org_a, user=admin)
    Membership.objects.filter(pk=membership.pk).update(role="admin")
    key = org_a.memberships.get(user=member).key
    response = client_for(admin).post(reverse("orgs:member_role", args=[org_a.slug, key]), {"role": "owner"})
    assert response.status_code == 403
    assert org_a.memberships.get(user=member).role == "member"


def test_an_unknown_role_changes_nothing(org_a, owner, member):
    key = org_a.memberships.get(user=member).key
    client_for(owner).post(reverse("orgs:member_role", args=[org_a.slug, key]), {"role": "superuser"})
    assert org_a.memberships.get(user=member).role == "member"


def test_removal_hides_the_member_but_their_progress_stays_theirs(course, org_a, owner, member):
    for lesson in Module.objects.get(slug="first-steps").lessons.all():
        lesson_complete(user=member, lesson=lesson)
    key = org_a.memberships.get(user=member).key
    response = client_for(owner).post(reverse("orgs:member_remove", args=[org_a.slug, key]))
    assert response.status_code == 302
    assert not org_a.memberships.filter(user=member).exists()
    assert (
        LessonProgress.objects.filter(user=member).count() == 2
        and ModuleProgress.objects.filter(user=member).exists()
    )
    assert client_for(member).get(reverse("compliance:detail", args=[org_a.slug])).status_code == 404
    assert AuditEvent.objects.filter(action="member_remove", target=member.email).exists()


def test_a_member_leaves(org_a, member):
    response = client_for(member).post(reverse("orgs:leave", args=[org_a.slug]))
    assert response.status_code == 302 and not org_a.memberships.filter(user=member).exists()


def test_access_helper_gives_404_to_outsiders_and_403_to_members_on_admin_pages(org_a, member, outsider):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        get_organisation_for_user(outsider, org_a.slug)
    with pytest.raises(PermissionDenied):
        get_organisation_for_user(member, org_a.slug, admin=True)
    assert get_organisation_for_user(member, org_a.slug) == org_a
    assert get_membership_for_user(member, org_a.slug).role == "member"


def test_groups_are_created_filled_renamed_and_deleted(org_a, owner, member):
    client = client_for(owner)
    client.post(reverse("orgs:groups", args=[org_a.slug]), {"name": "Science"})
    group = org_a.groups.get()
    key = org_a.memberships.get(user=member).key
    client.post(
        reverse("orgs:group", args=[org_a.slug, group.key]), {"name": "Science dept", "members": [key]}
    )
    group.refresh_from_db()
    assert group.name == "Science dept" and list(group.members.values_list("user", flat=True)) == [member.pk]
    response = client.post(reverse("orgs:groups", args=[org_a.slug]), {"name": "science DEPT"})
    assert response.status_code == 200 and org_a.groups.count() == 1
    client.post(reverse("orgs:group_delete", args=[org_a.slug, group.key]))
    assert not org_a.groups.exists()


def test_the_audit_log_lists_admin_actions_for_admins(org_a, owner, member):
    client_for(owner).post(reverse("orgs:groups", args=[org_a.slug]), {"name": "Science"})
    response = client_for(owner).get(reverse("orgs:audit", args=[org_a.slug]))
    assert response.status_code == 200
    assert b"Created the organisation" in response.content and b"created Science" in response.content


def test_join_link_turns_on_rotates_and_off(org_a, owner, outsider):
    client = client_for(owner)
    client.post(reverse("orgs:join_link", args=[org_a.slug]), {"action": "enable"})
    org_a.refresh_from_db()
    old = org_a.join_code
    assert client_for(outsider).get(reverse("invitations:join", args=[old])).status_code == 200
    client.post(reverse("orgs:join_link", args=[org_a.slug]), {"action": "rotate"})
    org_a.refresh_from_db()
    assert org_a.join_code != old and org_a.join_enabled
    assert client_for(outsider).post(reverse("invitations:join", args=[old])).status_code == 404
    client.post(reverse("orgs:join_link", args=[org_a.slug]), {"action": "disable"})
    assert client_for(outsider).post(reverse("invitations:join", args=[org_a.join_code])).status_code == 404
    assert not org_a.memberships.filter(user=outsider).exists()


def test_joining_by_link_makes_a_member(org_a, owner, outsider):
    client_for(owner).post(reverse("orgs:join_link", args=[org_a.slug]), {"action": "enable"})
    org_a.refresh_from_db()
    response = client_for(outsider).post(reverse("invitations:join", args=[org_a.join_code]))
    assert response.status_code == 302
    assert org_a.memberships.get(user=outsider).role == "member"


def test_joining_by_link_needs_an_account_and_never_joins_a_visitor(org_a, client):
    org_a.join_enabled = True
    org_a.save()
    url = reverse("invitations:join", args=[org_a.join_code])
    assert client.post(url).status_code == 302 and not org_a.memberships.filter(user__email="").exists()
    assert org_a.memberships.count() == 1


def test_the_only_owner_cannot_delete_their_account_while_others_belong(org_a, owner, member):
    data = {"password": "a-long-test-password", "confirm": "on"}
    response = client_for(owner).post(reverse("accounts:delete"), data)
    assert response.status_code == 200 and "only owner of School A" in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_only_members_account_deletes_their_organisation(org_a, owner):
    data = {"password": "a-long-test-password", "confirm": "on"}
    assert client_for(owner).post(reverse("accounts:delete"), data).status_code == 302
    assert not Organisation.objects.filter(pk=org_a.pk).exists()


def test_a_members_account_deletion_leaves_the_organisation_intact(org_a, owner, member):
    data = {"password": "a-long-test-password", "confirm": "on"}
    assert client_for(member).post(reverse("accounts:delete"), data).status_code == 302
    assert list(org_a.memberships.values_list("user", flat=True)) == [owner.pk]


def test_my_data_lists_my_organisations(org_a, member):
    response = client_for(member).post(reverse("accounts:data_export"))
    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert [(o["organisation"], o["role"]) for o in data["organisations"]] == [("School A", "member")]
