# The organisation-compliance models move from `courses` to `compliance` without touching the
# database: their tables keep their names (Meta.db_table), so this migration only tells Django's
# state where they now live (SeparateDatabaseAndState), and renames their content types so admin
# permissions and log entries follow them. AssignmentExtension is re-keyed in 0002.

import accounts.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ["assignment", "assignmentextension", "reminderlog", "digestlog"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="compliance", model=model).exists():
            ContentType.objects.filter(app_label="courses", model=model).update(app_label="compliance")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="compliance", model__in=MODELS).update(app_label="courses")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_organisations'),
        ('courses', '0002_organisations'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Assignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(default=accounts.models.new_key, max_length=16, unique=True)),
                        ('target', models.CharField(choices=[('everyone', 'Everyone'), ('group', 'A group'), ('members', 'Named members')], default='everyone', max_length=16)),
                        ('due_date', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='accounts.organisationgroup')),
                        ('members', models.ManyToManyField(blank=True, related_name='assignments', to='accounts.membership')),
                        ('module', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='courses.module')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='accounts.organisation')),
                        ('track', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='courses.track')),
                    ],
                    options={
                        'db_table': 'courses_assignment',
                        'ordering': ['due_date', 'created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AssignmentExtension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_date', models.DateField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='compliance.assignment')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignment_extensions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'courses_assignmentextension',
                    },
                ),
                migrations.CreateModel(
                    name='DigestLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_on', models.DateField()),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'courses_digestlog',
                    },
                ),
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('week_before', 'A week before the due date'), ('day_before', 'A day before the due date'), ('overdue', 'Overdue'), ('manual', 'Sent by an admin')], max_length=16)),
                        ('sent_on', models.DateField()),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='compliance.assignment')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'courses_reminderlog',
                    },
                ),
                migrations.AddIndex(
                    model_name='assignment',
                    index=models.Index(fields=['organisation', 'due_date'], name='assignment_org_due'),
                ),
                migrations.AddConstraint(
                    model_name='assignment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('module__isnull', False), ('track__isnull', True)), models.Q(('module__isnull', True), ('track__isnull', False)), _connector='OR'), name='assignment_module_xor_track'),
                ),
                migrations.AddConstraint(
                    model_name='assignment',
                    constraint=models.CheckConstraint(condition=models.Q(('target__in', ['everyone', 'group', 'members'])), name='assignment_target_valid'),
                ),
                migrations.AddConstraint(
                    model_name='assignment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('group__isnull', False), ('target', 'group')), models.Q(models.Q(('target', 'group'), _negated=True), ('group__isnull', True)), _connector='OR'), name='assignment_group_iff_target_group'),
                ),
                migrations.AddConstraint(
                    model_name='assignmentextension',
                    constraint=models.UniqueConstraint(fields=('assignment', 'user'), name='assignmentextension_unique'),
                ),
                migrations.AddConstraint(
                    model_name='digestlog',
                    constraint=models.UniqueConstraint(fields=('organisation', 'user', 'sent_on'), name='digestlog_one_per_day'),
                ),
                migrations.AddIndex(
                    model_name='reminderlog',
                    index=models.Index(fields=['user', 'assignment', '-sent_on'], name='reminderlog_last'),
                ),
                migrations.AddConstraint(
                    model_name='reminderlog',
                    constraint=models.UniqueConstraint(fields=('assignment', 'user', 'sent_on'), name='reminderlog_one_per_day'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
