"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises, then writing boxes are added.

Used for shipped and facilitator-written text alike, on screen and in PDFs, so a custom
exercise can never smuggle a script, an event handler or a `file:`/`javascript:` link anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6",
    "h2", "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
# Only web and mail links survive: no file:, data:, javascript: or relative paths into the app.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
ABSOLUTE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
WRITE_BOX = re.compile(r"<p>\[\[write (\d+)\]\]</p>")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" escapes raw HTML instead of passing it through; nh3 then removes what is left.
    return MarkdownIt("js-default").enable("table")


def _write_box(match: re.Match) -> str:
    lines = max(1, min(20, int(match.group(1))))
    return '<div class="write-box">' + '<div class="write-line"></div>' * lines + "</div>"


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """Drop relative hrefs: nh3 lets them through, and a PDF would resolve one against file://."""
    if attribute == "href" and not ABSOLUTE_LINK.match(value):
        return None
    return value


def render_markdown(text: str, *, demote_headings: bool = True) -> Markup:
    """Render Markdown to sanitised HTML; `## Heading` becomes h3 so it nests under the page's h2."""
    html = _parser().render(text or "")
    if demote_headings:
        html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_absolute_links_only,
    )
    return Markup(WRITE_BOX.sub(_write_box, clean))

