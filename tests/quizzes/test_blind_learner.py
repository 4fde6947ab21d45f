"""A learner who does not read, scripted over HTTP against the shipped course: five strategies,
20 attempts each per quiz, pass no quiz. The script sees only what a browser gets: the quiz page's
HTML, and the result page's review, which it copies from."""

import html
import random
import re

import pytest
from django.urls import reverse

from courses.content import course_load
from courses.models import Module
from tests.conftest import SHIPPED_CONTENT

SHIPPED_MODULES = len([p for p in (SHIPPED_CONTENT / "modules").iterdir() if p.is_dir()])

ATTEMPTS = 20
OPTION = re.compile(
    r'<input type="(radio|checkbox)" name="(q-\d+)" value="(\d+)"[^>]*id="([^"]+)"[^>]*>\s*'
    r'<label class="form-check-label" for="\4">(.*?)</label>',
    re.S,
)
LEGEND = re.compile(r'<fieldset class="question[^"]*" id="id_(q-\d+)".*?</span>(.*?)\s*<span', re.S)
REVIEW = re.compile(r'<p class="fw-bold mb-1">(.*?)</p>\s*<p class="mb-2 [^"]*">(.*?)</p>(.*?)</ul>', re.S)
CHOSEN = re.compile(r'<span class="fw-semibold">(.*?)</span>', re.S)


def read_form(page: str) -> tuple[str, dict]:
    """The token and, per question field, (kind, question text, [(value, label)]) in page order."""
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    texts = {name: html.unescape(text.strip()) for name, text in LEGEND.findall(page)}
    fields: dict[str, list] = {}
    for kind, name, value, _id, label in OPTION.findall(page):
        fields.setdefault(name, [kind, texts.get(name, ""), []])[2].append(
            (value, html.unescape(label.strip()))
        )
    return token, fields


def pick(strategy, kind, options, rng, memory=None, question=""):
    if strategy == "copy-review" and memory is not None and question in memory:
        right, chosen = memory[question]
        if right:
            return [v for v, label in options if label in chosen]
        options = [(v, label) for v, label in options if label not in chosen] or options
        strategy = "random"
    if strategy in ("longest",) or (strategy == "longest+first-two" and kind == "radio"):
        return [max(options, key=lambda o: len(o[1]))[0]]
    if strategy == "longest+first-two":
        return [v for v, _label in options[:2]]
    if strategy == "first":
        return [options[0][0]]
    if kind == "radio" or strategy != "random":
        return [rng.choice(options)[0]]
    chosen = [v for v, _label in options if rng.random() < 0.5]
    return chosen or [rng.choice(options)[0]]


def read_review(page: str) -> dict:
    """What a result page reveals: per question, whether it was right and the choices chosen."""
    memory = {}
    for question, verdict, choices in REVIEW.findall(page):
        memory[html.unescape(question.strip())] = (
            "You got this right" in verdict,
            {html.unescape(c.strip()) for c in CHOSEN.findall(choices)},
        )
    return memory


@pytest.mark.slow
@pytest.mark.parametrize("slug_index", range(SHIPPED_MODULES))
def test_a_learner_who_does_not_read_passes_no_quiz(db, parent_client, slug_index):
    course_load(root=SHIPPED_CONTENT)
    module = Module.objects.filter(is_active=True).order_by("position")[slug_index]
    url = reverse("quizzes:quiz", args=[module.slug])
    rng = random.Random(slug_index)
    scores = {}
    for strategy in ["longest", "first", "random", "longest+first-two", "copy-review"]:
        memory, passes = None, 0
        for _ in range(ATTEMPTS):
            token, fields = read_form(parent_client.get(url).content.decode())
            assert len(fields) == module.quiz.draw
            data = {"token": token}
            for name, (kind, question, options) in fields.items():
                data[name] = pick(strategy, kind, options, rng, memory, question)
            result = parent_client.post(url, data, follow=True).content.decode()
            assert "Your result" in result
            passes += "You passed" in result
            if strategy == "copy-review":
                memory = read_review(result)  # only what the previous attempt revealed
        scores[strategy] = passes
    assert scores == dict.fromkeys(scores, 0), (module.slug, scores)
