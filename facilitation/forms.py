from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from courses.models import Module

from .services import MAX_MINUTES, facilitators_of


class SessionForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none())
    facilitator = forms.ModelChoiceField(
        label=_("Run by"), queryset=Membership.objects.none(), to_field_name="key"
    )
    starts_at = forms.DateTimeField(
        label=_("Attendees can join from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(
        label=_("Joining stays open for (minutes)"), min_value=5, max_value=MAX_MINUTES, initial=90
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(is_active=True).order_by("position")
        facilitators = facilitators_of(membership.organisation)
        if not membership.is_admin:  # a facilitator runs their own sessions only
            facilitators = facilitators.filter(pk=membership.pk)
        self.fields["facilitator"].queryset = facilitators
        self.fields["facilitator"].label_from_instance = lambda m: m.label
        self.fields["facilitator"].initial = membership.key
        self.fields["starts_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    @property
    def ends_at(self):
        return self.cleaned_data["starts_at"] + timedelta(minutes=self.cleaned_data["minutes"])


class RosterForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who is here"),
        queryset=Membership.objects.none(),
        to_field_name="key",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = organisation.memberships.select_related("user").order_by(
            "user__name", "user_id"
        )
        self.fields["attendees"].label_from_instance = lambda m: m.label


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=20,
        help_text=_("The six letters and numbers on the facilitator's screen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
