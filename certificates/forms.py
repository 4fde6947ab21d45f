from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import normalise
from .models import Status
from .openbadges import MAX_CREDENTIAL_BYTES


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=64,
        help_text=_("The code printed on the certificate, for example 7KQ2-M9XD-R4TB-HZ3W."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "No certificate has this code. Check it for typing mistakes: a code has 16 letters and digits."
                )
            )
        return code


class CredentialForm(forms.Form):
    credential = forms.FileField(
        label=_("Open Badges credential file"),
        help_text=_("The .json file downloaded from OnGuard (at most 16 KB)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json,application/ld+json"}),
    )

    def clean_credential(self):
        upload = self.cleaned_data["credential"]
        if upload.size > MAX_CREDENTIAL_BYTES:
            raise forms.ValidationError(_("This file is too large to be a credential."))
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        strip=True,
        help_text=_("Kept on record for admins. The public verification page shows only the date."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ManageFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, e-mail, code or title"), required=False, max_length=150)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Modules and tracks")), ("module", _("Modules")), ("track", _("Tracks"))],
    )


class CodesField(forms.Field):
    """Many values of one name (checkboxes drawn in a table), as a list of strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [str(v) for v in value or []]


class ExportForm(forms.Form):
    """The certificates picked on the list page, by code, among those the admin may export."""

    MAX = 500
    codes = CodesField(
        label=_("Certificates"),
        error_messages={"required": _("Select at least one certificate to download.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def clean_codes(self):
        codes = {normalise(c) for c in self.cleaned_data["codes"]}
        if None in codes or len(codes) > self.MAX:
            raise forms.ValidationError(_("Select between 1 and %(max)s certificates.") % {"max": self.MAX})
        found = list(self.queryset.filter(code__in=codes).values_list("pk", flat=True))
        if len(found) != len(codes):
            raise forms.ValidationError(_("Some selected certificates are not yours to download."))
        return found
