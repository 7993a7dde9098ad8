"""Start and end on a programme's trends page: the aims check-in of week 1 beside week 6, as two
groups of answers, never as people; nothing of either end below k; the hoped-for direction."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.library.files import LibraryError
from facilitator.library.parse import parse_question_set
from facilitator.planner.models import GroupSession, Programme
from facilitator.reflections.models import ReflectionAnswer, ReflectionResponse
from tests.conftest import screenshot_path
from tests.reflections_helpers import answer, form_code, make_set_form, question_ids

CHECK_IN = "programme-aims-check-in"
CAPTION = (
    "A check-in written for this programme, not a validated measure: a change here is the group’s answer on two "
    "evenings, not proof that the group changed. People who came only once count in one column."
)


def six_weeks(app, owner_id: int) -> tuple[int, dict[int, int]]:
    """A six-week programme as the template makes it: the aims check-in opens weeks 1 and 6."""
    with app.app_context():
        programme = Programme(owner_id=owner_id, title="Behind the mask, spring")
        db.session.add(programme)
        db.session.flush()
        weeks = {}
        for week in range(1, 7):
            opening = CHECK_IN if week in (1, 6) else "opening-general"
            session = GroupSession(owner_id=owner_id, programme_id=programme.id, week_number=week, title=f"Week {week}",
                                   date=date(2026, 3, week), reflection_opening=opening,
                                   reflection_closing="closing-weekly")  # fmt: skip
            db.session.add(session)
            db.session.flush()
            weeks[week] = session.id
        db.session.commit()
        return programme.id, weeks


def check_in(app, client, owner_id: int, session_id: int, people: list[dict[str, int]]) -> int:
    """The week's check-in form, answered by each person on their phone (a key left out is skipped)."""
    form_id = make_set_form(app, owner_id, CHECK_IN, session_id=session_id)
    ids, code = question_ids(app, form_id), form_code(app, form_id)
    for person in people:
        assert answer(client, code, {ids[key]: str(value) for key, value in person.items()}).status_code == 303
    return form_id


WEEK_1 = [
    {"finding-words": 2, "feelings-as-weakness": 4, "telling-someone": 3},
    {"finding-words": 2, "feelings-as-weakness": 4, "telling-someone": 3},
    {"finding-words": 3, "feelings-as-weakness": 5, "telling-someone": 3},
    {"finding-words": 3, "feelings-as-weakness": 3, "telling-someone": 3},
    {"finding-words": 2, "feelings-as-weakness": 4, "telling-someone": 3},
    {"finding-words": 2, "feelings-as-weakness": 4, "telling-someone": 3},
]
WEEK_6 = [
    {"finding-words": 4, "feelings-as-weakness": 3, "telling-someone": 2},
    {"finding-words": 3, "feelings-as-weakness": 2, "telling-someone": 2},
    {"finding-words": 4, "feelings-as-weakness": 3, "telling-someone": 2},
    {"finding-words": 4, "feelings-as-weakness": 2, "telling-someone": 2},
    {"finding-words": 3, "feelings-as-weakness": 3, "telling-someone": 2},
    {"finding-words": 4, "feelings-as-weakness": 2, "telling-someone": 2},
]


def start_end_part(html: str) -> str:
    """The page's "Start and end" section, up to the week-by-week trends."""
    assert 'id="start-and-end"' in html
    return html.split('id="start-and-end"', 1)[1].split("<h2>Week by week</h2>", 1)[0]


def question_part(html: str, prompt: str) -> str:
    part = start_end_part(html)
    assert prompt in part, prompt
    return part.split(prompt, 1)[1].split("</section>", 1)[0]


@pytest.fixture
def programme(app, client, user, synced):
    programme_id, weeks = six_weeks(app, user.id)
    check_in(app, client, user.id, weeks[1], WEEK_1)
    check_in(app, client, user.id, weeks[6], WEEK_6)
    return programme_id, weeks


def test_the_group_at_the_start_and_at_the_end_side_by_side_with_the_direction_in_words(app, signed_in, programme):
    page = signed_in.get(f"/reflections/programmes/{programme[0]}/trends")
    assert page.status_code == 200
    part = question_part(page.text, "how easy is it to find a word for it?")
    assert "The group’s average moved from 2.3 to 3.7 of 5, towards ‘Very easy’, the hoped-for end." in part
    # Both distributions, counted per scale point (the chart's words say what its bars show).
    assert "Week 1: 1: 0 people; 2: 4 people; 3: 2 people; 4: 0 people; 5: 0 people." in part
    assert "Week 6: 1: 0 people; 2: 0 people; 3: 2 people; 4: 4 people; 5: 0 people." in part
    assert "<td>Week 1</td><td>Week 1</td><td>6</td><td>2.3 of 5</td>" in part
    assert "<td>Week 6</td><td>Week 6</td><td>6</td><td>3.7 of 5</td>" in part
    telling = question_part(page.text, "tell someone close to you when something is bothering you?")
    assert "moved from 3.0 to 2.0 of 5, towards ‘Very hard’, away from the hoped-for end." in telling
    assert CAPTION in start_end_part(page.text)


def test_feelings_as_weakness_going_down_is_towards_the_hoped_for_end(app, signed_in, programme):
    page = signed_in.get(f"/reflections/programmes/{programme[0]}/trends").text
    part = question_part(page, "feel like weakness to you?")
    assert "The group’s average moved from 4.0 to 2.5 of 5, towards ‘Not at all’, the hoped-for end." in part
    assert "hoped for: towards ‘Not at all’" in part
    assert "feelings-as-weakness" not in page and "key " not in part  # the therapist's words, not the file's


def test_fewer_than_k_at_the_end_shows_nothing_of_either_end(app, signed_in, client, user, synced):
    programme_id, weeks = six_weeks(app, user.id)
    check_in(app, client, user.id, weeks[1], WEEK_1)
    # Six people come in week 6, but only two (k - 1) answer the question about finding words.
    end = [dict(person) for person in WEEK_6]
    for person in end[2:]:
        del person["finding-words"]
    check_in(app, client, user.id, weeks[6], end)
    page = signed_in.get(f"/reflections/programmes/{programme_id}/trends").text
    part = question_part(page, "how easy is it to find a word for it?")
    assert "Nothing is shown for this question, at either end: fewer than 3 people answered it in Week 6." in part
    assert "average" not in part and "of 5" not in part and "<svg" not in part and "<table" not in part
    # The other questions, answered by all six at both ends, are still compared.
    assert "moved from 4.0 to 2.5" in question_part(page, "feel like weakness to you?")


def test_a_question_asked_only_once_or_not_in_the_last_week_is_not_compared(app, signed_in, client, user, synced):
    programme_id, weeks = six_weeks(app, user.id)
    check_in(app, client, user.id, weeks[1], WEEK_1)
    check_in(app, client, user.id, weeks[3], WEEK_6)  # a third week is not the end of the programme
    closing = make_set_form(app, user.id, "closing-weekly", session_id=weeks[1])  # week 1 only
    ids, code = question_ids(app, closing), form_code(app, closing)
    for settled in (2, 3, 4):
        assert answer(client, code, {ids["settled"]: str(settled)}).status_code == 303
    page = signed_in.get(f"/reflections/programmes/{programme_id}/trends").text
    assert 'id="start-and-end"' not in page and "Start and end" not in page
    check_in(app, client, user.id, weeks[6], WEEK_6)
    page = signed_in.get(f"/reflections/programmes/{programme_id}/trends").text
    part = start_end_part(page)
    assert "How settled do you feel right now?" not in part  # asked in week 1 only
    assert part.count('class="result start-end-question"') == 7  # the check-in's seven, week 1 beside week 6
    assert "Week 1 and Week 6" in part


def test_no_person_level_data_on_the_page_or_in_the_csv(app, signed_in, programme):
    programme_id, weeks = programme
    page = signed_in.get(f"/reflections/programmes/{programme_id}/trends").text
    with app.app_context():
        ids = [*db.session.scalars(select(ReflectionResponse.id)), *db.session.scalars(select(ReflectionAnswer.id))]
        form_ids = list(db.session.scalars(select(ReflectionResponse.form_id).distinct()))
    assert len(form_ids) == 2 and ids
    assert not [i for i in ids if i in page]  # no response or answer id on the trends page
    assert not re.search(r"\bP\d+\b", page)  # and no person labels
    assert "results.csv" not in start_end_part(page)  # the comparison has no export of its own
    for form_id in form_ids:
        text = signed_in.get(f"/reflections/{form_id}/results.csv").text
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0] == ["question_number", "question_key", "question", "answer", "person"] and len(rows) > 1
        # Each evening's export stands alone: labels are made per form from nothing stored across
        # weeks, and no id that could join week 1 to week 6 is written.
        assert not [i for i in ids if i in text]


def test_hoped_for_is_read_from_the_question_set_and_checked(app, synced):
    from facilitator.library import shipped

    with app.app_context():
        questions = {q.key: q for q in shipped.library().question_sets[CHECK_IN].questions}
    assert questions["feelings-as-weakness"].hoped_for == "lower"
    assert {q.hoped_for for key, q in questions.items() if key != "feelings-as-weakness"} == {"higher"}
    base = {"slug": "s", "title": "T", "when": "opening"}
    scale = {"key": "k", "type": "scale5", "prompt": "P?", "low": "a", "high": "b"}
    with pytest.raises(LibraryError, match="hoped_for: is 'down'; must be one of higher, lower"):
        parse_question_set({**base, "questions": [{**scale, "hoped_for": "down"}]}, "s.yaml")
    with pytest.raises(LibraryError, match="only a scale has a hoped-for direction"):
        word = {"key": "w", "type": "word", "prompt": "W?", "hoped_for": "lower"}
        parse_question_set({**base, "questions": [word]}, "s.yaml")


@pytest.mark.browser
def test_start_and_end_reads_calmly_in_a_browser(app, live_server, page, programme):
    from tests.test_reflections_browser import axe_violations, sign_in_with_the_browser

    sign_in_with_the_browser(page, live_server)
    page.goto(f"{live_server}/reflections/programmes/{programme[0]}/trends")
    chart = page.locator("svg.start-end-chart").first
    box = chart.bounding_box()
    assert box["width"] > 300
    # Every word and number of the chart is drawn inside it, none clipped at an edge.
    outside = chart.evaluate(
        "svg => [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox(), v = svg.viewBox.baseVal; "
        "return !(b.x >= 0 && b.y >= 0 && b.x + b.width <= v.width + 0.5 && b.y + b.height <= v.height + 0.5); })"
        ".map(t => t.textContent)"
    )
    assert outside == []
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("trends-start-end.png"), full_page=True)
    page.locator("section.start-end-question").nth(2).screenshot(path=screenshot_path("trends-start-end-question.png"))
