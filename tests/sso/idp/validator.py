"""The claims the test provider puts in its ID tokens and userinfo: e-mail (verified unless the
user's last name says "unverified"), and name."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "name": user.first_name,
            "preferred_username": user.username,
        }
