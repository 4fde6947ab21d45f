"""Certificates snapshot their item's title in every translated language too, so a Spanish
learner's certificate names its module in Spanish. Certificates issued before this get the
translation the course holds now: the closest thing to a snapshot there is."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    changed = []
    for certificate in Certificate.objects.select_related("module", "track").iterator(chunk_size=500):
        item = certificate.module or certificate.track
        titles = {
            language: words["title"]
            for language, words in (item.translations or {}).items()
            if isinstance(words, dict) and words.get("title")
        }
        if titles:
            certificate.item_titles = titles
            changed.append(certificate)
        if len(changed) >= 500:
            Certificate.objects.bulk_update(changed, ["item_titles"])
            changed = []
    Certificate.objects.bulk_update(changed, ["item_titles"])


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_certificate_user_set_null"),
        ("courses", "0005_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="item_titles",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
