"""Every list that names a module, track or practice conversation names it in the reader's
language: "Assigned to you" on home and My learning, "Continue where you left off", reminders
(each member in theirs, in one run), the admins' digest, the dashboard and assignments pages for
a Spanish-speaking admin. English readers keep English, even in the same reminder run."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from courses.models import Module
from courses.services import lesson_open
from tests.conftest import client_for
from tests.steps import assign

pytestmark = pytest.mark.usefixtures("course")
DUE = date(2026, 11, 30)


def speaks_spanish(*users):
    for user in users:
        user.language = "es"
        user.save(update_fields=["language"])


def main(page) -> str:
    return page.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize("name", ["courses:home", "courses:my_learning"])
def test_assigned_to_you_names_the_module_in_spanish(org_a, owner, member, name):
    speaks_spanish(member)
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    page = main(client_for(member).get(reverse(name)))
    assigned = page.split('id="assigned-title"', 1)[1].split("</section>", 1)[0]
    assert "Primeros pasos" in assigned and "First steps" not in assigned


def test_an_english_member_s_assigned_card_stays_english(org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    page = main(client_for(member).get(reverse("courses:home")))
    assigned = page.split('id="assigned-title"', 1)[1].split("</section>", 1)[0]
    assert "First steps" in assigned and "Primeros pasos" not in assigned


def test_continue_where_you_left_off_names_module_and_lesson_in_spanish(parent):
    speaks_spanish(parent)
    lesson_open(user=parent, lesson=Module.objects.get(slug="first-steps").lessons.get(slug="intro"))
    for name in ("courses:home", "courses:my_learning"):
        page = main(client_for(parent).get(reverse(name)))
        card = page.split('id="continue-title"', 1)[1].split("</section>", 1)[0]
        assert "Primeros pasos" in card and "First steps" not in card


def test_my_learning_names_the_track_in_spanish(parent):
    speaks_spanish(parent)
    page = main(client_for(parent).get(reverse("courses:my_learning")))
    assert "Para madres, padres y cuidadores" in page and "For parents and caregivers" not in page


def test_one_reminder_run_writes_to_each_member_in_their_own_language(org_a, owner, member):
    speaks_spanish(member)
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    mail.outbox.clear()
    call_command("send_reminders", "--date", (DUE - timedelta(days=1)).isoformat())
    spanish = next(m for m in mail.outbox if m.to == [member.email])
    english = next(m for m in mail.outbox if m.to == [owner.email])
    assert "Primeros pasos" in spanish.body and "First steps" not in spanish.body
    assert "Primeros pasos" in spanish.alternatives[0][0]
    assert "First steps" in english.body and "Primeros pasos" not in english.body


def test_the_digest_names_overdue_modules_in_each_admin_s_language(org_a, owner, member):
    speaks_spanish(owner)
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    mail.outbox.clear()
    call_command("send_reminders", "--date", (DUE + timedelta(days=1)).isoformat())
    digest = next(m for m in mail.outbox if m.to == [owner.email] and member.email in m.body)
    assert "Primeros pasos" in digest.body and "First steps" not in digest.body


@pytest.mark.parametrize("name", ["compliance:dashboard", "compliance:assignments"])
def test_a_spanish_speaking_admin_s_pages_name_modules_in_spanish(org_a, owner, member, name):
    speaks_spanish(owner)
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    page = main(client_for(owner).get(reverse(name, args=[org_a.slug])))
    assert "Primeros pasos" in page and "First steps" not in page


def test_the_module_report_names_the_module_in_spanish(org_a, owner, member):
    speaks_spanish(owner)
    assign(org_a, owner, slugs=["first-steps"], due_date=DUE)
    page = main(
        client_for(owner).get(reverse("compliance:module_dashboard", args=[org_a.slug, "first-steps"]))
    )
    assert "Primeros pasos" in page and "First steps" not in page
