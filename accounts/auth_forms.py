"""allauth's forms as the site shows them."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """The log-in page has its own "Forgot your password?" beside the button: the password
    field's help text repeated it (review B11)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
