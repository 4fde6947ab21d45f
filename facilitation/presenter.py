"""The presenter view's steps: a module laid out one screen at a time for a projector.

Opening screen (the join code), then for each lesson its sections (the body split before each
second-level heading) and its discussion prompts (the lesson's `discussion:` front matter), then
the module's practice conversations (the opening messages, and the replies to talk over), then
the quiz in discussion mode (each question, then the same question with every choice's feedback
revealed), then a closing screen. Built in a fixed number of queries whatever the module's size."""

import re
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from courses.services import active_lessons
from courses.translations import localize
from quizzes.models import Quiz
from quizzes.services import get_quiz

from .models import Session

SECTION_RE = re.compile(r"(?=<h2[\s>])")


@dataclass
class Step:
    kind: str  # opening, section, discussion, conversation, question, reveal, closing
    heading: str = ""
    html: SafeString | str = ""
    prompt: str = ""
    conversation: object = None
    says: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    question: object = None
    scenario: object = None
    choices: list = field(default_factory=list)


def lesson_sections(body_html: str) -> list[str]:
    """The lesson's HTML (already rendered and sanitised by the loader) cut before each h2."""
    return [part for part in SECTION_RE.split(body_html) if part.strip()]


def session_steps(session: Session) -> list[Step]:
    module = session.module
    steps = [Step("opening", heading=module.title)]
    lessons = list(active_lessons(module))
    localize(module, *lessons)
    steps[0].heading = module.title  # in the active language
    for lesson in lessons:
        for part in lesson_sections(lesson.body_html):
            steps.append(Step("section", heading=lesson.title, html=mark_safe(part)))  # noqa: S308 sanitised at load
        for prompt in lesson.discussion:
            steps.append(Step("discussion", heading=lesson.title, prompt=prompt))
    for conversation in module.conversations.filter(is_active=True):
        localize(conversation)  # its words and graph in the active language, where written
        start = conversation.nodes.get(conversation.start, {})
        steps.append(
            Step(
                "conversation",
                heading=conversation.title,
                conversation=conversation,
                says=list(start.get("says", [])),
                replies=[c["text"] for c in start.get("choices", [])],
            )
        )
    try:
        quiz: Quiz | None = get_quiz(module)
    except Http404:  # a module without a quiz has no discussion steps
        quiz = None
    if quiz is not None:
        for scenario in quiz.scenarios.all():
            questions = list(scenario.questions.all())
            localize(scenario)
            for question in questions:
                choices = list(question.choices.all())
                localize(question, *choices)
                common = {
                    "heading": scenario.title,
                    "scenario": scenario,
                    "question": question,
                    "choices": choices,
                }
                steps.append(Step("question", **common))
                steps.append(Step("reveal", **common))
    steps.append(Step("closing", heading=module.title))
    return steps
