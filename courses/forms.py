"""Forms for the learner's pages (validation only)."""

from django import forms

from .conversations import KEYS, MAX_NODES


class PracticeChoiceForm(forms.Form):
    """One choice in a practice conversation: the turn it answers (how many decisions were
    behind the learner), the node it was made in, and the key chosen. All three come from the
    page and are checked against the path the server holds (courses.practice)."""

    step = forms.IntegerField(min_value=0, max_value=MAX_NODES)
    node = forms.SlugField(max_length=80)
    choice = forms.ChoiceField(choices=[(k, k) for k in KEYS])


class PracticeRewindForm(forms.Form):
    """Go back to before turn `step + 1` (0: the start) to try another answer."""

    step = forms.IntegerField(min_value=0, max_value=MAX_NODES)
