"""Plans as files: export, import (form, CLI), round trips, saved templates and bad files."""

from __future__ import annotations

import io

import pytest
import yaml
from sqlalchemy import func, select

from facilitator.library import shipped
from facilitator.extensions import db
from facilitator.library.parse import parse_template
from facilitator.planner import exchange, plans, service
from facilitator.planner.exchange import ImportFailed
from facilitator.planner.models import GroupSession, Programme, SavedTemplate
from tests.factories import make_custom_exercise
from tests.planner_helpers import EVENING, make_library, programme_plan, session_plan, shipped_exercise


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


@pytest.fixture
def ctx(app, synced):
    with app.app_context():
        yield shipped.library()


def evening_session(owner_id: int, library) -> GroupSession:  # noqa: ANN001
    return plans.plan_from_shipped(owner_id, library.templates["test-evening"], library)


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(model.id)))


def test_an_exported_session_has_the_shape_of_a_shipped_template(ctx, user):
    text = exchange.to_yaml(exchange.session_document(evening_session(user.id, ctx)))
    template = parse_template(yaml.safe_load(text), "export.yaml")
    assert template.kind == "session" and template.slug == "a-test-evening"
    original = parse_template(yaml.safe_load(EVENING), "test-evening.yaml")
    assert template.sessions[0] == original.sessions[0]
    assert "start_time: '19:00'" in text and "pin: '20:35'" in text


def test_import_of_export_gives_back_the_same_session(ctx, user):
    session = evening_session(user.id, ctx)
    mine = make_custom_exercise(user.id)
    service.add_exercise(session, mine, minutes=12)
    service.add_block(session, "Notices", 0)
    service.update_item(session.items[0], minutes=6, note="Name the fire exits.", pin="")
    session.dismissed_warnings = ["no-closing"]
    db.session.commit()
    text = exchange.to_yaml(exchange.session_document(session))
    again = plans.import_plan(user.id, text, "shared.yaml", ctx)
    assert again.id != session.id
    assert session_plan(again) == session_plan(session)
    assert exchange.to_yaml(exchange.session_document(again)) == text


def test_import_of_export_gives_back_the_same_programme(ctx, user):
    programme = plans.plan_from_shipped(user.id, ctx.templates["test-three-weeks"], ctx)
    week = programme.sessions[1]
    service.update_item(week.items[1], minutes=50, note="The deep one.", pin="")
    service.add_break(week, 5, "Fresh air")
    text = exchange.to_yaml(exchange.programme_document(programme))
    again = plans.import_plan(user.id, text.encode("utf-8"), "programme.yaml", ctx)
    assert isinstance(again, Programme) and again.id != programme.id
    assert programme_plan(again) == programme_plan(programme)
    assert [w.week_number for w in again.sessions] == [1, 2, 3]


@pytest.mark.parametrize(("text", "line", "field", "message"), [
    ("slug: x\ntitle: X\nkind: session\n  audience: men\n", 4, "yaml", "is not valid YAML"),
    (EVENING.replace("exercise: what-stays-with-me", "exercise: what-stays-with-you"), 27, "items[6].exercise",
     "unknown exercise slug 'what-stays-with-you'"),
    (EVENING.replace("minutes: 45", "minutes: 90"), 21, "items[3].minutes", "90 is outside what-opening-up-cost-and-gave-me's range of 40 to 60"),
    (EVENING.replace('pin: "20:35"', 'pin: "20:00"'), 31, "items[7].pin", "is 20:00 but the agenda reaches this item at 20:26"),
    (EVENING.replace("take_home: feelings-vocabulary", "take_home: no-such-sheet"), 10, "handouts", "unknown handout 'no-such-sheet'"),
    (EVENING.replace("  - break: 10\n", "  - break: 0\n"), 23, "items[4].break", "is 0; must be between 1 and 240"),
    ("- just\n- a list\n", 1, "file", "must hold a YAML mapping"),
    ('a: &a ["x", "x"]\nb: [*a, *a]\n', 2, "yaml", "uses an alias (*name)"),
    ("title: x\nitems: " + "[" * 500 + "]" * 500 + "\n", 2, "yaml", "nests deeper than 20 levels"),
])  # fmt: skip
def test_a_bad_file_names_the_line_and_field_and_saves_nothing(ctx, user, text, line, field, message):
    sessions_before = count(GroupSession)
    with pytest.raises(ImportFailed) as error:
        plans.import_plan(user.id, text, "bad.yaml", ctx)
    problem = next(p for p in error.value.problems if p.field == field)
    assert message in problem.message
    assert problem.line == line
    db.session.rollback()
    assert count(GroupSession) == sessions_before


def test_the_upload_form_shows_every_problem_with_its_line(app, synced, signed_in):
    bad = EVENING.replace("exercise: what-stays-with-me", "exercise: nope").replace("minutes: 45", "minutes: 5")
    response = signed_in.post("/import", data={"file": (io.BytesIO(bad.encode()), "plan.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "<strong>Line 27</strong>, <code>items[6].exercise</code>: unknown exercise slug &#39;nope&#39;" in response.text
    assert "<code>items[3].minutes</code>" in response.text
    assert "plan.yaml was not imported; nothing was saved." in response.text
    with app.app_context():
        assert count(GroupSession) == 0


def test_the_upload_form_needs_a_file_and_takes_only_text(app, synced, signed_in):
    assert signed_in.post("/import", data={}, content_type="multipart/form-data").status_code == 422
    binary = {"file": (io.BytesIO(b"\xff\xfe\x00binary"), "photo.yaml")}
    response = signed_in.post("/import", data=binary, content_type="multipart/form-data")
    assert response.status_code == 422 and "is not UTF-8 text" in response.text


def test_the_upload_form_imports_a_good_file(app, synced, signed_in):
    response = signed_in.post("/import", data={"file": (io.BytesIO(EVENING.encode()), "plan.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/sessions/" in response.location
    assert "A test evening" in signed_in.get(response.location).text


def test_export_downloads_yaml_and_an_empty_agenda_is_not_exported(app, synced, signed_in, user):
    with app.app_context():
        session_id = evening_session(user.id, shipped.library()).id
        empty_id = service.create_session(user.id, service.SessionDetails(title="Empty")).id
    response = signed_in.get(f"/sessions/{session_id}/export")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    assert 'filename="a-test-evening.yaml"' in response.headers["Content-Disposition"]
    assert parse_template(yaml.safe_load(response.text), "x").title == "A test evening"
    response = signed_in.get(f"/sessions/{empty_id}/export", follow_redirects=True)
    assert "Add at least one item" in response.text


def test_cli_imports_a_file_for_a_named_facilitator(app, synced, runner, user, other_user, tmp_path):
    good = tmp_path / "plan.yaml"
    good.write_text(EVENING)
    result = runner.invoke(args=["sessions", "import", str(good), "--user", "ben"])
    assert result.exit_code == 0, result.output
    assert "Imported session 'A test evening'" in result.output and "for ben" in result.output
    with app.app_context():
        assert db.session.scalar(select(GroupSession.owner_id)) == other_user.id
    bad = tmp_path / "bad.yaml"
    bad.write_text(EVENING.replace("exercise: closing-one-word", "exercise: gone"))
    result = runner.invoke(args=["sessions", "import", str(bad), "--user", "anna"])
    assert result.exit_code == 1
    assert "line 29, items[7].exercise: unknown exercise slug 'gone'" in result.output
    assert "nothing was saved" in result.output
    result = runner.invoke(args=["sessions", "import", str(good)])
    assert result.exit_code == 1 and "--user" in result.output


def test_save_as_my_template_and_start_a_new_session_from_it(app, synced, signed_in, user):
    with app.app_context():
        session = evening_session(user.id, shipped.library())
        service.update_item(session.items[0], minutes=7, note="My own welcome.", pin="")
        session_id, original = session.id, session_plan(session)
    response = signed_in.post(f"/sessions/{session_id}/save-template", data={"title": "My Tuesday"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(SavedTemplate))
        assert (saved.kind, saved.slug, saved.owner_id) == ("session", "my-tuesday", user.id)
    new_form = signed_in.get("/sessions/new")
    assert f'value="saved:{saved.id}"' in new_form.text and "My Tuesday" in new_form.text
    response = signed_in.post("/sessions/new", data={"source": f"saved:{saved.id}", "title": "Next Tuesday"})
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.get(GroupSession, int(response.location.rsplit("/", 1)[1]))
        assert session_plan(copy) == {**original, "title": "Next Tuesday"}
    assert signed_in.post(f"/templates/{saved.id}/delete").status_code == 302
    assert "<td>My Tuesday</td>" not in signed_in.get("/templates/").text


def test_line_of_finds_nested_fields_and_falls_back_to_the_parent():
    text = "weeks:\n  - title: A\n    items:\n      - exercise: x\n        minutes: 3\n"
    assert exchange.line_of(text, "weeks[1].items[1].minutes") == 5
    assert exchange.line_of(text, "weeks[1].items[1]") == 4
    assert exchange.line_of(text, "weeks[1].handouts") == 2
    assert exchange.line_of("a: [", "a") is None


def test_a_shipped_template_naming_a_missing_exercise_cannot_be_used(app, synced, signed_in):
    with app.app_context():
        shipped_exercise("what-stays-with-me").slug = "renamed"
        db.session.commit()
    response = signed_in.post("/sessions/new", data={"source": "shipped:test-evening"})
    assert response.status_code == 422
    assert "unknown exercise slug &#39;what-stays-with-me&#39;" in response.text
