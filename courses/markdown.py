"""Markdown to safe HTML for course content, done once at load time.

markdown-it-py with raw HTML off renders the text; nh3 then keeps only an allow-list of tags,
attributes and URL schemes, so a `<script>`, an `onerror=` or a `javascript:` link in a lesson
comes out inert. Two additions for the course:

- `[^N]` cites source N of the module: a numbered link to the lesson's source list.
- a fenced `chat` block draws a messaging-app mock-up, marked up as a list of who said what.
- `[words](glossary:slug)` links to the glossary entry `slug`; the checker refuses unknown ones.
"""

import re
from html import escape

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

CITATION_RE = re.compile(r"\[\^(\d{1,3})\]")
GLOSSARY_PREFIX = "glossary:"
GLOSSARY_URL = "/glossary/"
CHAT_LINE_RE = re.compile(r"^(?P<side>[<>])\s*(?P<name>[^:]{1,60}):\s?(?P<text>.*)$")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "sup", "span", "div", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "ol": {"class", "aria-label"},
    "li": {"class"},
    "span": {"class"},
    "div": {"class"},
    "sup": {"class"},
}


def _citation_rule(state: StateInline, silent: bool) -> bool:
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"number": int(match.group(1))}
    state.pos = match.end()
    return True


def _render_citation(self, tokens, idx, options, env) -> str:
    number = tokens[idx].meta["number"]
    env.setdefault("citations", []).append(number)
    hidden = escape(_("source"))
    return (
        f'<sup class="cite"><a href="#source-{number}" class="cite-link">'
        f'<span class="visually-hidden">{hidden} </span>[{number}]</a></sup>'
    )


def render_chat(source: str) -> str:
    """Render the lines of a `chat` block; see docs/authoring.md for the format."""
    names: list[str] = []
    items = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("--"):
            items.append(f'<li class="chat-note">{escape(line.lstrip("-").strip())}</li>')
            continue
        match = CHAT_LINE_RE.match(line)
        if not match:
            raise ValueError(f"chat line must start with '<', '>' or '--': {line!r}")
        side = "chat-them" if match["side"] == "<" else "chat-me"
        name = match["name"].strip()
        if name not in names:
            names.append(name)
        said = escape(_("said"))
        items.append(
            f'<li class="chat-msg {side}"><span class="chat-sender">{escape(name)}'
            f'<span class="visually-hidden"> {said}</span>:</span> '
            f'<span class="chat-text">{escape(match["text"])}</span></li>'
        )
    # Words a screen reader hears, in the language the text is rendered in (a translation is
    # rendered under its language: courses.translations).
    together = (" " + _("and") + " ").join(names)
    label = escape(_("Chat between %(names)s") % {"names": together}) if names else escape(_("Chat"))
    return f'<div class="chat"><ol class="chat-list" aria-label="{label}">{"".join(items)}</ol></div>\n'


def _glossary_links(state) -> None:
    """Point `glossary:slug` links at the glossary page and note which terms were linked."""
    for block in state.tokens:
        for token in block.children or []:
            href = token.attrGet("href") if token.type == "link_open" else None
            if href and href.startswith(GLOSSARY_PREFIX):
                slug = href[len(GLOSSARY_PREFIX) :]
                state.env.setdefault("glossary", []).append(slug)
                token.attrSet("href", f"{state.env.get('glossary_url', GLOSSARY_URL)}#{slug}")
                token.attrSet("class", "glossary-link")


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.core.ruler.push("glossary_links", _glossary_links)
    default_fence = md.renderer.rules["fence"]

    def fence(self, tokens, idx, options, env):
        token = tokens[idx]
        if token.info.strip() == "chat":
            return render_chat(token.content)
        return default_fence(tokens, idx, options, env)

    md.add_render_rule("fence", fence)
    return md


_md = _build()


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def render_full(text: str, *, inline: bool = False, glossary_url: str = GLOSSARY_URL):
    """The sanitised HTML for `text`, the source numbers it cites and the glossary terms it links
    to, each in order of first use. `inline` renders a single paragraph with no <p> wrapper."""
    env: dict = {"glossary_url": glossary_url}
    html = (_md.renderInline if inline else _md.render)(text, env)
    return (
        sanitise(html),
        list(dict.fromkeys(env.get("citations", []))),
        list(dict.fromkeys(env.get("glossary", []))),
    )


def render(text: str) -> tuple[str, list[int]]:
    """Return the sanitised HTML for `text` and the source numbers it cites, in order."""
    html, cited, _ = render_full(text)
    return html, cited


def render_inline(text: str) -> tuple[str, list[int]]:
    """Like `render`, for a single paragraph (question text, choice feedback): no <p> wrapper."""
    html, cited, _ = render_full(text, inline=True)
    return html, cited
