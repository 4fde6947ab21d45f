"""Prepare the test provider's database: `python -m tests.sso.idp.setup CONFIG_JSON`, where the
JSON holds the client (id, secret, redirect URIs) and the users (username, password, email,
name, verified)."""

import json
import sys

import django
from django.core.management import call_command


def main(config: dict) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    for user in config["users"]:
        User.objects.create_user(
            username=user["username"],
            password=user["password"],
            email=user["email"],
            first_name=user["name"],
            last_name="" if user.get("verified", True) else "unverified",
        )


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
