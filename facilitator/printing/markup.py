"""Markdown for paper: rendering.render_markdown, then each writing box is bound to its prompt."""

from __future__ import annotations

import re

from markupsafe import Markup

from ..rendering import render_markdown

# A prompt paragraph followed by the box it asks to be written in (markup from rendering._write_box).
PROMPT_AND_BOX = re.compile(r'(<p>(?:(?!</p>).)*</p>\s*)(<div class="write-box">(?:<div class="write-line"></div>)+</div>)', re.S)


def print_markdown(text: str) -> Markup:
    """Sanitised HTML in which a prompt and its writing box sit in one unbreakable block.

    CSS `break-before: avoid` on the box alone makes WeasyPrint push whole sections to the next
    page; a wrapper with `break-inside: avoid` keeps the pair together and nothing more.
    """
    return Markup(PROMPT_AND_BOX.sub(r'<div class="prompt-box">\1\2</div>', str(render_markdown(text))))
