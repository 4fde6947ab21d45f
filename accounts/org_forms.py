"""Forms for organisation pages. They validate only: the views pass clean data to services."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .invitations import InviteRow, invite_rows_check
from .logos import logo_validate
from .models import Membership, Organisation, OrganisationGroup, User
from .roster import read_text, read_upload, roster_csv

CSV_MAX_BYTES = 1024 * 1024


class OrganisationCreateForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"name": _("Name of your school or organisation")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(v, str(label)) for v, label in Organisation.Kind.choices]


class OrganisationSettingsForm(forms.ModelForm):
    new_logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, up to 2 MB. It is shown at most 600 pixels wide."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "certificate_signatory_name",
            "certificate_signatory_title",
            "certificate_validity_months",
            "retake_wait_hours",
            "facilitated_needs_quiz",
            "require_refreshers",
        ]
        help_texts = {
            "retake_wait_hours": _(
                "Optional. Learners can always retake a quiz, but a pass taken sooner than this "
                "after their previous attempt will not count towards your certificates."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retake_wait_hours"].widget.attrs.update({"min": 1, "max": 720})
        self.fields["certificate_validity_months"].min_value = 1
        self.fields["certificate_validity_months"].max_value = 120
        self.fields["certificate_validity_months"].widget.attrs.update({"min": 1, "max": 120})

    def clean_certificate_validity_months(self):
        value = self.cleaned_data["certificate_validity_months"]
        if value is not None and not 1 <= value <= 120:
            raise ValidationError(_("Enter a number of months from 1 to 120."))
        return value

    def clean_retake_wait_hours(self):
        value = self.cleaned_data["retake_wait_hours"]
        if value is not None and not 1 <= value <= 720:
            raise ValidationError(_("Enter a number of hours from 1 to 720 (30 days), or leave it empty."))
        return value

    def clean_new_logo(self):
        upload = self.cleaned_data.get("new_logo")
        if upload:
            logo_validate(upload)
        return upload


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=OrganisationGroup.objects.none(), required=False, to_field_name="key"
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["group"].queryset = organisation.groups.all()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = InviteRow(
            line=1, name=data["name"], email=data["email"], group=data["group"].name if data["group"] else ""
        )
        preview = invite_rows_check(organisation=self.organisation, rows=[row])
        if preview.bad:
            self.add_error("email", "; ".join(preview.bad[0].errors).capitalize() + ".")
        data["rows"] = preview.good
        return data


class BulkInviteForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One person per line, copied from a spreadsheet or typed: name, e-mail address, and "
            "optionally a group. Example: Sam Lee, sam@school.org, Science"
        ),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_(
            "CSV (comma, semicolon or tab), text or Excel (.xlsx), up to 1 MB, with a header row in any "
            "order: a Google Workspace or Microsoft 365 user export works as it is."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.tsv,.txt,.xlsx,text/csv,text/plain,text/tab-separated-values,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > CSV_MAX_BYTES:
                raise ValidationError(_("The file must be 1 MB or smaller."))
            roster = read_upload(upload.read())
        else:
            roster = read_text(data.get("text") or "")
        if not roster.rows:
            raise ValidationError(_("Paste a list or upload a file with at least one person."))
        # The confirming step posts the people back as plain CSV, whatever the upload was.
        data["text"] = roster_csv(roster.rows) if upload else data.get("text") or ""
        data["roster"] = roster
        data["preview"] = invite_rows_check(organisation=self.organisation, rows=roster.rows)
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class GroupCreateForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=100)

    def __init__(self, *args, organisation: Organisation, group: OrganisationGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.group = group

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = self.organisation.groups.filter(name__iexact=name)
        if self.group is not None:
            taken = taken.exclude(pk=self.group.pk)
        if taken.exists():
            raise ValidationError(_("There is already a group with this name."))
        return name


class GroupForm(GroupCreateForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Membership.objects.none(),
        required=False,
        to_field_name="key",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["members"].queryset = organisation.memberships.select_related("user").order_by(
            "user__name"
        )
        self.fields["members"].label_from_instance = lambda m: m.label


class InvitationSignupForm(forms.Form):
    name = forms.CharField(
        label=_("Your name, as it should appear on certificates"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are different."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, name=data.get("name", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return data
