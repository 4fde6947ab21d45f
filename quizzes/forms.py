from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question


class QuizForm(forms.Form):
    """One field per question, named `q-<id>`, plus the attempt token.

    Choice values are checked against their own question: a value that is not a choice of that
    question is a forged request (the view answers 400) rather than a form error."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, questions: list[Question], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(str(c.pk), c.text) for c in question.choices.all()]
            if question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": _("Choose at least one answer to this question.")},
                )
            else:
                field = forms.ChoiceField(
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer to this question.")},
                )
            field.label = question.text
            field.question = question
            self.fields[f"q-{question.pk}"] = field

    def has_forged_values(self) -> bool:
        """True if the POST names a question not in this quiz or a choice not of its question."""
        if not self.is_bound:
            return False
        for name in self.data:
            if name.startswith("q-") and name not in self.fields:
                return True
        for name, field in self.fields.items():
            if not name.startswith("q-"):
                continue
            allowed = {value for value, _label in field.choices}
            if any(value not in allowed for value in self.data.getlist(name)):
                return True
        return False

    def selected(self) -> dict[int, set[int]]:
        result = {}
        for name, field in self.fields.items():
            if name.startswith("q-"):
                value = self.cleaned_data[name]
                values = value if isinstance(value, list) else [value]
                result[field.question.pk] = {int(v) for v in values}
        return result

    def sections(self, scenarios) -> list[tuple]:
        """(scenario, [bound field per question]) in order, for the template."""
        return [(s, [self[f"q-{q.pk}"] for q in s.questions.all()]) for s in scenarios]
