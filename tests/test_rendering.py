"""Markdown from anyone becomes safe HTML: the same function feeds pages and PDFs."""

import pytest

from facilitator.rendering import render_markdown


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "java%09script:alert(1)", "file:///etc/passwd",
     "/etc/passwd", "../../secret", "data:text/html,<script>alert(1)</script>", "//evil.example/x"],
)  # fmt: skip
def test_only_web_and_mail_links_keep_their_address(link):
    html = render_markdown(f"[click]({link})")
    assert "href" not in html
    assert "click" in html


def test_web_and_mail_links_survive_and_never_pass_the_referrer():
    html = render_markdown("[help](https://www.samaritans.org) and [mail](mailto:team@example.org)")
    assert 'href="https://www.samaritans.org"' in html
    assert 'href="mailto:team@example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_and_event_handlers_are_text_not_markup():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)"><iframe src="https://x">')
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;" in html


def test_writing_boxes_become_ruled_lines():
    html = render_markdown("What do you notice?\n\n[[write 3]]")
    assert html.count('class="write-line"') == 3
    assert '<div class="write-box">' in html


def test_headings_nest_under_the_page_heading():
    assert "<h3>Steps</h3>" in render_markdown("## Steps")

