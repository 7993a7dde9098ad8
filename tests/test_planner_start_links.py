"""The empty Sessions page offers every shipped template by name, and each link opens its form with
the template it promised already chosen."""

from __future__ import annotations

import html
import re

from facilitator.library import shipped


def selected_source(page: str) -> str:
    return re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option value="([^"]*)"[^>]*selected', page).group(0)


def test_start_a_programme_opens_with_the_six_week_template_chosen(app, signed_in):
    sessions = signed_in.get("/sessions/").text
    link = re.search(r'<a href="([^"]+)">Start a programme</a>', sessions)
    assert link, "the empty Sessions page offers to start a programme"
    with app.app_context():
        six_weeks = shipped.library().templates["six-week-mens-group"]
    assert six_weeks.title in html.unescape(sessions)
    form = signed_in.get(html.unescape(link.group(1))).text
    chosen = selected_source(form)
    assert 'value="shipped:six-week-mens-group"' in chosen, chosen
    assert 'value="blank" selected' not in form and "selected value=\"blank\"" not in form


def test_the_empty_sessions_page_lists_every_shipped_template(app, signed_in):
    page = html.unescape(signed_in.get("/sessions/").text)
    with app.app_context():
        templates = shipped.library().templates.values()
    assert any(t.slug == "six-week-follow-up-evening" for t in templates)
    for template in templates:
        assert template.title in page, template.slug
        endpoint = "sessions/new" if template.kind == "session" else "programmes/new"
        assert f"/{endpoint}?source=shipped:{template.slug}" in page, template.slug
    assert 'href="/templates/"' in page


def test_each_template_link_opens_with_that_template_chosen(app, signed_in):
    page = signed_in.get("/sessions/").text
    for href in re.findall(r'href="(/(?:sessions|programmes)/new\?source=[^"]+)"', page):
        href = html.unescape(href)
        chosen = selected_source(signed_in.get(href).text)
        assert f'value="{href.split("source=")[1]}"' in chosen, href
