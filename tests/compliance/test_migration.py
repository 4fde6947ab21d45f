"""The compliance models moved from `courses` with their tables: a database migrated on the old
layout, with assignments, extensions and reminder logs in it, migrates forward with every row
kept, each extension tied to its member."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("accounts", "0002_organisations"),
    ("courses", "0002_organisations"),
    ("quizzes", "0001_initial"),
    ("certificates", "0003_certificate_user_set_null"),
    ("compliance", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_old_layout_migrates_forward_with_every_row():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("accounts", "Organisation")
    Membership = old.get_model("accounts", "Membership")
    Module = old.get_model("courses", "Module")
    Assignment = old.get_model("courses", "Assignment")
    Extension = old.get_model("courses", "AssignmentExtension")
    ReminderLog = old.get_model("courses", "ReminderLog")
    DigestLog = old.get_model("courses", "DigestLog")
    now = timezone.now()
    org = Organisation.objects.create(name="Old School", slug="old-school", join_code="j" * 12)
    admin, learner = (User.objects.create(email=f"{n}@old.example", name=n) for n in ("admin", "learner"))
    Membership.objects.create(user=admin, organisation=org, role="owner", key="k-admin")
    learner_membership = Membership.objects.create(user=learner, organisation=org, key="k-learner")
    module = Module.objects.create(slug="m", title="M", summary="s", content_hash="h", position=1, minutes=5)
    assignment = Assignment.objects.create(organisation=org, module=module, key="a-key", created_by=admin)
    assignment.members.add(learner_membership)
    Extension.objects.create(assignment=assignment, user=learner, due_date=now.date(), created_by=admin)
    ReminderLog.objects.create(assignment=assignment, user=learner, kind="overdue", sent_on=now.date())
    DigestLog.objects.create(organisation=org, user=admin, sent_on=now.date())

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())
    Assignment = new.get_model("compliance", "Assignment")
    Extension = new.get_model("compliance", "AssignmentExtension")
    assert Assignment.objects.get().key == "a-key"
    assert list(Assignment.objects.get().members.values_list("key", flat=True)) == ["k-learner"]
    assert Extension.objects.get().membership.key == "k-learner"
    assert new.get_model("compliance", "ReminderLog").objects.count() == 1
    assert new.get_model("compliance", "DigestLog").objects.count() == 1
    ContentType = new.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="compliance", model="assignment").exists()
