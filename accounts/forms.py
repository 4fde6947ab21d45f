from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .names import name_validate
from .services import organisations_needing_another_owner


def role_choices() -> list[tuple[str, str]]:
    # Plain strings, evaluated per form: crispy's radio template drops lazy labels.
    return [(value, str(label)) for value, label in User.Role.choices]


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth calls `signup()` after it has created the user."""

    name = forms.CharField(
        label=_("Your name, as it should appear on certificates"),
        max_length=150,
        strip=True,
        validators=[name_validate],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=role_choices,
        widget=forms.RadioSelect,
        initial=User.Role.PARENT,
        help_text=_("This picks the track we recommend. You can change it later."),
    )

    field_order = ["name", "email", "password1", "password2", "role"]

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.role = self.cleaned_data["role"]
        user.save(update_fields=["name", "role"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "role", "language"]
        widgets = {"role": forms.RadioSelect}
        labels = {
            "name": _("Your name, as it should appear on certificates"),
            "language": _("Language for the site, your e-mails and certificates"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To protect you, we ask for your password before deleting anything."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my progress and quiz results will be deleted for good."),
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password

    def clean(self):
        data = super().clean()
        names = [o.name for o in organisations_needing_another_owner(user=self.user)]
        if names:
            raise forms.ValidationError(
                _(
                    "You are the only owner of %(names)s. Make someone else an owner first, in the organisation's members page."
                )
                % {"names": ", ".join(names)}
            )
        return data
