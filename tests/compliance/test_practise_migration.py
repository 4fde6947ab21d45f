"""The "practise" migration is additive: assignments made before it keep their module or track,
and afterwards an assignment names exactly one of a module, a track or a conversation."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("courses", "0003_move_compliance"), ("compliance", "0002_extension_per_membership")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_assignments_made_before_practise_migrate_forward_unchanged():
    old = migrate(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    Module = old.get_model("courses", "Module")
    Track = old.get_model("courses", "Track")
    Assignment = old.get_model("compliance", "Assignment")
    org = Organisation.objects.create(name="Old School", slug="old-school", join_code="j" * 12)
    module = Module.objects.create(slug="m", title="M", summary="s", content_hash="h", position=1, minutes=5)
    track = Track.objects.create(slug="t", title="T", summary="s", audience="parent")
    Assignment.objects.create(organisation=org, module=module, key="by-module")
    Assignment.objects.create(organisation=org, track=track, key="by-track")

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Assignment = new.get_model("compliance", "Assignment")
    Conversation = new.get_model("courses", "Conversation")
    assert sorted(Assignment.objects.values_list("key", "module__slug", "track__slug", "conversation")) == [
        ("by-module", "m", None, None),
        ("by-track", None, "t", None),
    ]
    conversation = Conversation.objects.create(
        slug="c", module_id=module.pk, title="C", summary="s", audiences="parent", setting="s",
        other="Jo", content_note="n", start="a", nodes={}, content_hash="h",
    )  # fmt: skip
    Assignment.objects.create(organisation_id=org.pk, conversation=conversation, key="by-conversation")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            organisation_id=org.pk, module_id=module.pk, conversation=conversation, key="two-things"
        )
