"""The database cache table (CACHES in config/settings.py) that production uses for rate limits
when there is no Redis. Created whatever the current CACHES say, so switching DEBUG off later
finds it in place."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "onguard_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_logo_png_extension")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
