"""`{% fragment "name" value ... %}…{% endfragment %}`: a piece of a page rendered once per
process for each distinct set of inputs, then reused.

The key is the name, the active language and every value given, so a fragment is correct by
construction as long as everything its body shows is determined by those values (and by code and
translations, which only change with a deploy, which restarts the processes). Give the content's
version (a module's `content_hash` and `updated_at`) for course text, and the learner's own
inputs themselves (the ids of the lessons they have done, a quiz form's secret token) for
anything personal: two learners then share a fragment only when it would be identical for both.
Never put a CSRF token, a message or a name inside one.

The store is a small per-process LRU in memory (no pickling, no shared cache round trip): a
miss costs one render, exactly as without it. docs/performance.md has the measurements."""

from datetime import date, datetime
from uuid import UUID

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from courses.kept import Kept

register = template.Library()

MAX_ENTRIES = 4000
_store = Kept(MAX_ENTRIES)
_PLAIN = (str, int, float, bool, type(None), date, datetime, UUID)


def clear() -> None:
    _store.clear()


def key_part(value):
    """A hashable, value-based stand-in for `value`. Only plain values: a model instance as a key
    would ignore its fields, so it is refused rather than guessed at."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(key_part(v) for v in value)))
    if isinstance(value, list | tuple):
        return tuple(key_part(v) for v in value)
    raise TypeError(f"fragment keys take plain values, not {type(value).__name__}")


def get_or_render(key: tuple, render) -> str:
    return _store.get(key, render)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        key = (self.name, translation.get_language(), *(key_part(p.resolve(context)) for p in self.parts))
        return mark_safe(get_or_render(key, lambda: self.nodelist.render(context)))  # nosec: rendered by the engine


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError('{% fragment "name" value ... %} needs a quoted name')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
