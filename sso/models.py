"""Single sign-on for organisations: the e-mail domains an organisation has shown it controls (a
DNS TXT record), and for each, the identity provider its people must sign in through. The
providers themselves (Google, Microsoft, OpenID Connect) are allauth's social applications."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User, new_key, new_token


class OrganisationDomain(models.Model):
    """`domain` belongs to `organisation` once the TXT record `_onguard-verify.<domain>` holds
    `token` (verified_at is then set). A verified domain may name a `required_provider`: an
    allauth provider ID ("google", "microsoft", or an OpenID Connect app's ID) that everyone with
    an address at the domain must sign in through."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sso_domains")
    domain = models.CharField(_("domain"), max_length=253)
    key = models.CharField(max_length=16, unique=True, default=new_key)
    token = models.CharField(max_length=64, default=new_token)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    required_provider = models.CharField(_("required sign-in"), max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), "organisation", name="orgdomain_unique_per_org"),
            # One organisation at most owns a domain: the first to verify it.
            models.UniqueConstraint(
                Lower("domain"),
                condition=models.Q(verified_at__isnull=False),
                name="orgdomain_unique_verified",
            ),
            models.CheckConstraint(
                condition=models.Q(required_provider="") | models.Q(verified_at__isnull=False),
                name="orgdomain_require_only_verified",
            ),
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="orgdomain_lowercase"),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def record_name(self) -> str:
        return f"_onguard-verify.{self.domain}"

    @property
    def record_value(self) -> str:
        return f"onguard-verify={self.token}"
