"""`{{ module|translated:"title" }}`: a course row's words in the active language, for pages
and e-mails that show rows shared between readers (courses.translations.translated)."""

from django import template

from courses.translations import translated as _translated

register = template.Library()


@register.filter
def translated(obj, field: str) -> str:
    if obj is None:
        return ""
    return _translated(obj, field)
