"""courses.compiled: a hot query is compiled once per process with stand-ins, and each run swaps
in its own values, so no request's values ever reach the SQL text or make a query of their own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from courses import compiled
from courses.models import Lesson, LessonProgress, Module
from courses.services import lesson_complete


def _module(slug):
    return Module.objects.filter(is_active=True, slug=slug)


def _lessons(user_id, module_slug):
    from django.db.models import Exists, OuterRef

    return Lesson.objects.filter(module__slug=module_slug).annotate(
        done=Exists(LessonProgress.objects.filter(user=user_id, lesson=OuterRef("pk")))
    )


@pytest.mark.usefixtures("course")
def test_one_compiled_query_serves_every_name(parent):
    first = compiled.named(_module, "first-steps")
    size = len(compiled._COMPILED)
    second = compiled.named(_module, "second-steps")
    assert [m.slug for m in first] == ["first-steps"] and [m.slug for m in second] == ["second-steps"]
    assert compiled.named(_module, "'; DROP TABLE courses_module; --") == []
    assert len(compiled._COMPILED) == size
    assert Module.objects.filter(slug="first-steps").exists()


@pytest.mark.usefixtures("course")
def test_each_learner_gets_their_own_rows_and_a_visitor_none(parent, educator):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    for user, done in ((parent, {"intro"}), (educator, set()), (AnonymousUser(), set()), (parent, {"intro"})):
        rows = compiled.for_learner(user, _lessons, names=("first-steps",))
        assert {r.slug for r in rows if r.done} == done


@pytest.mark.usefixtures("course")
def test_a_query_that_ignores_a_variable_or_a_value_not_an_id_or_name_is_refused(parent):
    with pytest.raises(ValueError):
        compiled.named(lambda slug: Module.objects.filter(is_active=True), "first-steps")
    with pytest.raises(TypeError):
        compiled.named(_module, 1.5)
    with pytest.raises(TypeError):
        compiled.named(_module, True)
