from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Draw, Question


class QuizForm(forms.Form):
    """One field per drawn question, named `q-<id>`, plus the draw's token.

    A choice's value is its place in the draw's shuffled order ("0", "1", ...), so nothing in the
    page says which choice is right; `selected()` turns places back into choices. A value outside
    a question's places, or a question outside the draw, is a forged request (the view answers
    400) rather than a form error.

    An unanswered (unbound) form makes its question fields only when `sections()` is first asked
    for: the quiz page, whose questions are usually a rendered fragment already, then renders just
    the token."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, questions: list[Question], draw: Draw, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draw = draw
        self.questions = questions
        self.order: dict[int, list[int]] = {}
        self._made = False
        if self.is_bound:
            self._add_question_fields()

    def __getitem__(self, name):
        if name.startswith("q-"):
            self._add_question_fields()
        return super().__getitem__(name)

    def __iter__(self):
        self._add_question_fields()
        return super().__iter__()

    def _add_question_fields(self) -> None:
        if self._made:
            return
        self._made = True
        for question in self.questions:
            by_id = {c.pk: c for c in question.choices.all()}
            order = [pk for pk in self.draw.choices_of(question.pk) if pk in by_id]
            self.order[question.pk] = order
            choices = [(str(i), by_id[pk].text) for i, pk in enumerate(order)]
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
        """True if the POST names a question outside the draw or a choice outside its question."""
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
        """The choices ticked, by identity: question id -> choice ids."""
        result = {}
        for name, field in self.fields.items():
            if name.startswith("q-"):
                value = self.cleaned_data[name]
                places = value if isinstance(value, list) else [value]
                order = self.order[field.question.pk]
                result[field.question.pk] = {order[int(p)] for p in places}
        return result

    def sections(self, scenarios) -> list[tuple]:
        """(scenario, [(number, bound field)]) for the drawn questions, in order, numbered
        through the whole quiz; scenarios with no drawn question are left out."""
        self._add_question_fields()
        drawn = {q.pk for q in self.questions}
        result, number = [], 0
        for scenario in scenarios:
            fields = []
            for question in scenario.questions.all():
                if question.pk in drawn:
                    number += 1
                    fields.append((number, self[f"q-{question.pk}"]))
            if fields:
                result.append((scenario, fields))
        return result
