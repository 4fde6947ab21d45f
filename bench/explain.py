"""EXPLAIN ANALYZE of every query the organisation dashboard runs, on the benchmark database
(run bench/run first, which seeds it). Usage: bench/explain [--database onguard_bench]"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="onguard_bench")
    parser.add_argument("--query-string", default="", help="e.g. status=overdue&sort=name")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "True")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Organisation

    organisation = Organisation.objects.annotate(size=Count("memberships")).order_by("-size").first()
    owner = organisation.memberships.filter(role="owner").select_related("user").first().user
    client = Client()
    client.force_login(owner)
    url = reverse("compliance:dashboard", args=[organisation.slug]) + (
        f"?{args.query_string}" if args.query_string else ""
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_X_FORWARDED_PROTO="https")
    print(f"# EXPLAIN ANALYZE: {url} ({organisation.size} members), status {response.status_code}, "
          f"{len(captured.captured_queries)} queries\n")  # fmt: skip
    with connection.cursor() as cursor:
        for n, query in enumerate(captured.captured_queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN ANALYZE " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(
                f"## Query {n}\n\n```sql\n{sql[:600]}{' …' if len(sql) > 600 else ''}\n```\n\n```\n{plan}\n```\n"
            )


if __name__ == "__main__":
    main()
