"""Results without knowing who wrote what: the k threshold, batches, CSV, the wall and its moderation, trends."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.planner.models import Programme
from facilitator.reflections.models import ReflectionAnswer
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, make_set_form, make_week, question_ids

SHORT = ALL_KINDS[6:7]  # one short-text question


def send_texts(app, client, form_id: int, *texts: str) -> None:
    question = question_ids(app, form_id)["short"]
    for text in texts:
        assert answer(client, form_code(app, form_id), {question: text}).status_code == 303


@pytest.mark.parametrize("configured, k", [(3, 3), (1, 3), (5, 5)])
def test_a_question_shows_nothing_at_k_minus_one_answers_and_everything_at_k(app, signed_in, client, user, configured, k):
    app.config["MIN_RESPONSES"] = configured  # never below 3, whatever the setting says
    form_id = make_form(app, user.id, kinds=SHORT)
    send_texts(app, client, form_id, *[f"answer number {n}" for n in range(k - 1)])
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert f"Nothing is shown for this question until at least {k} people have answered it" in page
    assert "answer number" not in page
    assert "answer number" not in signed_in.get(f"/reflections/{form_id}/results.csv").text
    assert "answer number" not in signed_in.get(f"/reflections/{form_id}/wall/panels").text
    send_texts(app, client, form_id, "the last one")
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "Nothing is shown" not in page
    assert page.count("answer number") == k - 1 and "the last one" in page
    assert f"{k} answers" in page


def test_results_change_only_in_batches_of_at_least_k_new_answers(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[:1])
    question = question_ids(app, form_id)["scale5"]
    code = form_code(app, form_id)

    def shown() -> int:
        match = re.search(r"· (\d+) answers</p>", signed_in.get(f"/reflections/{form_id}/results").text)
        return int(match.group(1)) if match else 0

    counts = []
    for value in (1, 2, 3, 4, 5, 1, 2):
        answer(client, code, {question: str(value)})
        counts.append(shown())
    assert counts == [0, 0, 3, 3, 3, 6, 6]


def test_scale_and_choice_results_have_counts_and_greyscale_svg_charts(app, signed_in, client, user):
    form_id = make_form(app, user.id)
    ids, code = question_ids(app, form_id), form_code(app, form_id)
    for value, choice in ((2, "Talking"), (4, "Talking"), (4, "Quiet")):
        answer(client, code, {ids["scale5"]: str(value), ids["single"]: choice, ids["multi"]: ["Pairs", "Breaks"]})
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "Median <strong>4</strong> · average <strong>3.3</strong>" in page
    assert 'role="img"' in page and "<script" not in page
    assert "Talking: 2 people" in page and "Quiet: 1 person" in page and "Listening: 0 people" in page
    assert "2 · 67%" in page and "3 · 100%" in page  # counts are printed, not only drawn
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', page))
    assert fills <= {"#1f2a2e", "#2f5d62", "#e4e7e2", "#4a5a60"}  # dark bars on a light track: reads in grey


def test_one_word_answers_are_ranked_and_feelings_counted_by_core(app, signed_in, client, user, synced):
    app.config["MIN_RESPONSES"] = 4  # the four people are released as one group
    form_id = make_form(app, user.id)
    ids, code = question_ids(app, form_id), form_code(app, form_id)
    for word, feeling in (("Tired", "calm"), ("tired.", "relaxed"), ("hopeful", "lonely"), ("TIRED", "calm")):
        answer(client, code, {ids["word"]: word, ids["feelings"]: feeling})
    page = signed_in.get(f"/reflections/{form_id}/results").text
    words = re.findall(r'<span class="word">([^<]+)</span> <span class="count">(\d+)</span>', page)
    assert words[:3] == [("calm", "2"), ("lonely", "1"), ("relaxed", "1")]  # the feelings question comes first
    assert words[3:] == [("tired", "3"), ("hopeful", "1")]
    assert "Peaceful: 3 people" in page and "Sad: 1 person" in page and "Mad: 0 people" in page
    assert "<strong>3</strong> different words" in page


def test_text_answers_are_listed_in_random_order_without_times(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=SHORT)
    sent = [f"thought {n}" for n in range(9)]  # three groups of k = 3 people
    send_texts(app, client, form_id, *sent)
    page = signed_in.get(f"/reflections/{form_id}/results").text
    listed = re.findall(r"<li>(thought \d)</li>", page)
    with app.app_context():
        by_random_id = list(db.session.scalars(select(ReflectionAnswer.text).order_by(ReflectionAnswer.id)))
    assert listed == by_random_id and sorted(listed) == sorted(sent)
    assert not re.search(r"\d{1,2}:\d{2}", page.split("<main", 1)[1])  # no clock time anywhere


def test_csv_export_keeps_formulas_inert(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=SHORT)
    dangerous = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", " =HYPERLINK(\"x\")", "＝1+1"]
    send_texts(app, client, form_id, *dangerous, "plain words", "more plain words")  # three groups of 3
    response = signed_in.get(f"/reflections/{form_id}/results.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["question_number", "question_key", "question", "answer", "person"]
    answers = [row[3] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in answers and "plain words" in answers
    for cell in (cell for row in rows[1:] for cell in row):
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell


def test_csv_shows_linked_answers_side_by_side_and_unlinked_ones_alone(app, signed_in, client, user):
    form_id = make_set_form(app, user.id, "closing-weekly")  # scales and feelings linked, text unlinked
    ids, code = question_ids(app, form_id), form_code(app, form_id)
    for settled, words in ((1, "calm"), (3, "hurt"), (5, "glad")):
        answer(client, code, {ids["settled"]: str(settled), ids["feeling-word"]: words, ids["keep-thinking"]: f"thinking {settled}"})
    rows = list(csv.DictReader(io.StringIO(signed_in.get(f"/reflections/{form_id}/results.csv").text.lstrip("\ufeff"))))
    people = {}
    for row in rows:
        if row["question_key"] in ("settled", "feeling-word"):
            people.setdefault(row["person"], set()).add(row["answer"])
        if row["question_key"] == "keep-thinking":
            assert row["person"] == ""
    assert sorted(people.values(), key=sorted) == sorted([{"1", "calm"}, {"3", "hurt"}, {"5", "glad"}], key=sorted)


def test_wall_shows_typed_answers_only_after_the_facilitator_approves_them(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[:1] + SHORT)
    ids, code = question_ids(app, form_id), form_code(app, form_id)
    for n in range(3):
        answer(client, code, {ids["scale5"]: "4", ids["short"]: f"held thought {n}"})
    wall = signed_in.get(f"/reflections/{form_id}/wall")
    assert wall.status_code == 200
    assert "held thought" not in wall.text and "4: 3 people" in wall.text  # scales need no approval
    assert 'src="/static/js/wall.js"' in wall.text and 'http-equiv="refresh"' in wall.text
    queue = signed_in.get(f"/reflections/{form_id}/moderate").text
    assert queue.count("held thought") == 3
    answer_ids = dict(zip(re.findall(r"held thought (\d)", queue), re.findall(r'name="approved" value="([0-9a-f]+)"', queue)))
    reviewed = list(answer_ids.values())
    signed_in.post(f"/reflections/{form_id}/moderate", data={"reviewed": reviewed, "approved": [answer_ids["1"]]})
    panels = signed_in.get(f"/reflections/{form_id}/wall/panels").text
    assert "held thought 1" in panels and "held thought 0" not in panels and "held thought 2" not in panels
    signed_in.post(f"/reflections/{form_id}/moderate", data={"reviewed": reviewed, "action": "approve-all"})
    assert signed_in.get(f"/reflections/{form_id}/wall/panels").text.count("held thought") == 3


def test_wall_and_moderation_show_nothing_under_k(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=SHORT)
    send_texts(app, client, form_id, "one", "two")
    assert "Waiting for at least 3 answers" in signed_in.get(f"/reflections/{form_id}/wall/panels").text
    assert "No written answers to read yet" in signed_in.get(f"/reflections/{form_id}/moderate").text


def test_reading_all_answers_of_a_busy_question_page_by_page(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=SHORT)
    send_texts(app, client, form_id, *[f"item {n:03d}" for n in range(105)])
    results = signed_in.get(f"/reflections/{form_id}/results").text
    assert results.count("item ") == 60 and "Read all 105 answers" in results
    question = question_ids(app, form_id)["short"]
    first = signed_in.get(f"/reflections/{form_id}/results/{question}").text
    second = signed_in.get(f"/reflections/{form_id}/results/{question}?page=2").text
    assert first.count("<li>item ") == 100 and second.count("<li>item ") == 5 and "Page 2 of 2" in second


def test_programme_trend_shows_the_closing_scale_and_feeling_words_week_by_week(app, signed_in, client, user, synced):
    with app.app_context():
        programme = Programme(owner_id=user.id, title="Six Thursdays")
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    weeks = {
        1: [(2, "glad"), (2, "low"), (3, "glad")],
        2: [(3, "hurt"), (4, "calm"), (4, "hopeful"), (5, "proud"), (4, "calm"), (4, "hopeful")],  # two groups of 3
        3: [(5, "calm")],  # one answer only: no value shown for this week
    }
    for week, answers in weeks.items():
        form_id = make_set_form(app, user.id, "closing-weekly", session_id=make_week(app, user.id, programme_id, week))
        ids, code = question_ids(app, form_id), form_code(app, form_id)
        for settled, word in answers:
            sent = answer(client, code, {ids["settled"]: str(settled), ids["feeling-word"]: word})
            assert sent.status_code == 303
    page = signed_in.get(f"/reflections/programmes/{programme_id}/trends")
    assert page.status_code == 200
    text = page.text
    assert "How settled do you feel right now?" in text and "Pick the word that comes closest" in text
    assert "Week 1: 2.3; Week 2: 4; Week 3: too few answers" in text  # the scale's average
    assert "Week 1: 2; Week 2: 4; Week 3: too few answers" in text  # distinct feeling words
    assert "asked at the closing" in text
    assert "<td>fewer than 3</td>" in text


def test_results_say_that_some_people_wait_for_a_group_without_saying_how_many(app, signed_in, client, user):
    from tests.reflections_helpers import answer, form_code, make_form, question_ids

    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for word in ("calm", "tired"):
        answer(client, code, {ids["word"]: word})
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "Answers from fewer than 3 people are waiting" in page
    assert "calm" not in page and "tired" not in page
