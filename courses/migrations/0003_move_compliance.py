# The compliance models now live in `compliance` (see compliance/migrations/0001): state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0002_organisations'),
        ('compliance', '0001_move_compliance'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='assignmentextension',
                    name='assignment',
                ),
                migrations.RemoveField(
                    model_name='assignmentextension',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='assignmentextension',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='digestlog',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='digestlog',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='reminderlog',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Assignment',
                ),
                migrations.DeleteModel(
                    name='AssignmentExtension',
                ),
                migrations.DeleteModel(
                    name='DigestLog',
                ),
                migrations.DeleteModel(
                    name='ReminderLog',
                ),
            ],
            database_operations=[],
        ),
    ]
