# An extension belongs to a member of the organisation, not to a user: removing someone from the
# organisation (or their leaving) then removes their extensions by cascade. Each row is matched to
# the membership of its user in its assignment's organisation; a row whose user is no longer a
# member there could not be shown or used by anyone, and is dropped.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_memberships(apps, schema_editor):
    AssignmentExtension = apps.get_model("compliance", "AssignmentExtension")
    Membership = apps.get_model("accounts", "Membership")
    for extension in AssignmentExtension.objects.select_related("assignment").iterator():
        membership_id = (
            Membership.objects.filter(
                user_id=extension.user_id, organisation_id=extension.assignment.organisation_id
            )
            .values_list("pk", flat=True)
            .first()
        )
        if membership_id is None:
            extension.delete()
        else:
            AssignmentExtension.objects.filter(pk=extension.pk).update(membership_id=membership_id)


def link_users(apps, schema_editor):
    AssignmentExtension = apps.get_model("compliance", "AssignmentExtension")
    for extension in AssignmentExtension.objects.select_related("membership").iterator():
        AssignmentExtension.objects.filter(pk=extension.pk).update(user_id=extension.membership.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisations"),
        ("compliance", "0001_move_compliance"),
        ("courses", "0003_move_compliance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assignmentextension",
            name="membership",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignment_extensions",
                to="accounts.membership",
            ),
        ),
        migrations.AlterField(
            model_name="assignmentextension",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignment_extensions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(link_memberships, link_users),
        migrations.RemoveConstraint(model_name="assignmentextension", name="assignmentextension_unique"),
        migrations.RemoveField(model_name="assignmentextension", name="user"),
        migrations.AlterField(
            model_name="assignmentextension",
            name="membership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assignment_extensions",
                to="accounts.membership",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignmentextension",
            constraint=models.UniqueConstraint(
                fields=("assignment", "membership"), name="assignmentextension_unique"
            ),
        ),
    ]
