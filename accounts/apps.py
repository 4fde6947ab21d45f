from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            mfa,  # noqa: F401  (audits allauth.mfa's authenticator changes)
        )
