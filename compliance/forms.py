"""Forms for organisation admins' assignment and dashboard pages (validation only)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, OrganisationGroup
from courses.models import Conversation, Module, Track
from courses.translations import translated

from .models import Assignment


class DateInput(forms.DateInput):
    input_type = "date"


class AssignmentForm(forms.Form):
    WHAT = [("modules", _("One or more modules")), ("track", _("A whole track"))]

    what = forms.ChoiceField(
        label=_("What to assign"), choices=WHAT, widget=forms.RadioSelect, initial="modules"
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules"),
        queryset=Module.objects.none(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.none(), required=False, to_field_name="slug"
    )
    conversations = forms.ModelMultipleChoiceField(
        label=_("Practise (optional)"),
        help_text=_(
            "Practice conversations to include. Nothing is graded: a member has practised once they "
            "reach the end of the conversation."
        ),
        queryset=Conversation.objects.none(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    target = forms.ChoiceField(
        label=_("Who"), choices=Assignment.Target.choices, widget=forms.RadioSelect, initial="everyone"
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=OrganisationGroup.objects.none(), required=False, to_field_name="key"
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Named members"),
        queryset=Membership.objects.none(),
        required=False,
        to_field_name="key",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    due_date_past_ok = forms.BooleanField(
        label=_("Yes, use a date that has passed: the people it applies to are overdue at once"),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [(v, str(label)) for v, label in self.WHAT]
        self.fields["target"].choices = [(v, str(label)) for v, label in Assignment.Target.choices]
        self.fields["modules"].queryset = Module.objects.filter(is_active=True)
        self.fields["track"].queryset = Track.objects.filter(is_active=True)
        self.fields["conversations"].queryset = Conversation.objects.filter(
            is_active=True, module__is_active=True
        ).select_related("module")
        self.fields["conversations"].label_from_instance = (
            lambda c: f"{translated(c, 'title')} ({translated(c.module, 'title')})"
        )
        self.fields["modules"].label_from_instance = lambda m: translated(m, "title")
        self.fields["track"].label_from_instance = lambda t: translated(t, "title")
        self.fields["group"].queryset = organisation.groups.all()
        self.fields["members"].queryset = organisation.memberships.select_related("user").order_by(
            "user__name"
        )
        self.fields["members"].label_from_instance = lambda m: m.label

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["what"] == "track" and not data["track"]:
            self.add_error("track", _("Choose a track."))
        if data["what"] == "modules" and not data["modules"] and not data["conversations"]:
            self.add_error("modules", _("Choose at least one module or practice conversation."))
        if data["target"] == Assignment.Target.GROUP and not data["group"]:
            self.add_error("group", _("Choose a group."))
        if data["target"] == Assignment.Target.MEMBERS and not data["members"]:
            self.add_error("members", _("Choose at least one member."))
        due = data.get("due_date")
        if due and due < timezone.localdate() and not data.get("due_date_past_ok"):
            # Review F11: everyone would be overdue at once, and "Remind" would e-mail them all.
            self.add_error(
                "due_date",
                _(
                    "This date has passed: everyone it applies to would be overdue at once. Choose a later "
                    "date, or tick the box below to use it anyway."
                ),
            )
        return data


class ExtensionForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Member"), queryset=Membership.objects.none(), to_field_name="key"
    )
    due_date = forms.DateField(label=_("New due date"), widget=DateInput)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = organisation.memberships.select_related("user").order_by(
            "user__name"
        )
        self.fields["member"].label_from_instance = lambda m: m.label

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise ValidationError(_("Choose today or a later date: a new due date cannot have passed."))
        return due


class DashboardFilterForm(forms.Form):
    # Which members each status means, in words: "not started" and "overdue" overlap (review B4).
    STATUSES = [
        ("", _("Any status")),
        ("not_started", _("Not started: nothing opened yet, overdue or not")),
        ("not_started_overdue", _("Not started and overdue")),
        ("in_progress", _("In progress: started, not finished")),
        ("overdue", _("Overdue: a module is past its due date")),
        ("completed", _("Completed: everything assigned")),
    ]

    q = forms.CharField(label=_("Search by name or e-mail"), required=False, max_length=100)
    group = forms.ChoiceField(label=_("Group"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, groups: list[OrganisationGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {g.key: g for g in groups}
        self.fields["group"].choices = [("", _("All groups"))] + [(g.key, g.name) for g in groups]
        self.fields["status"].choices = self.STATUSES
        self.fields["sort"].choices = [
            ("name", _("Name (A to Z)")),
            ("-name", _("Name (Z to A)")),
            ("progress", _("Progress (least first)")),
            ("-progress", _("Progress (most first)")),
        ]

    def clean_group(self) -> OrganisationGroup | None:
        """The chosen group itself (one of the organisation's own, by its choices), or None."""
        return self.groups.get(self.cleaned_data["group"])

    def clean(self):
        data = super().clean()
        if self.errors:
            raise ValidationError(_("Unknown filter."))
        return data
