"""Built from app.url_map, so that no new route can slip in without an access check.

Every route is either in PUBLIC_ENDPOINTS (participants, sign-in, assets) or needs a signed-in
facilitator; every route naming an owned row answers 404 when the row belongs to someone else.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from tests.conftest import sign_in
from tests.factories import OWNED_ROW_FACTORIES, make_owned_rows, make_shared_plan

# Endpoints anyone may reach. Participant pages live in blueprints named *_public.
PUBLIC_ENDPOINTS = {
    "static", "auth.login", "auth.setup", "home",
    "account_links.accept_invite", "account_links.reset_password",  # a one-time link is the credential
}
PUBLIC_BLUEPRINT_SUFFIX = "_public"


def facilitator_rules(app) -> list[Rule]:
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0].endswith(PUBLIC_BLUEPRINT_SUFFIX):
            continue
        rules.append(rule)
    return rules


def url_for_rule(rule: Rule, values: dict[str, object]) -> str:
    arguments = {}
    for name in rule.arguments:
        if name in values:
            arguments[name] = values[name]
        elif rule._converters[name].__class__.__name__ == "IntegerConverter":  # noqa: SLF001
            arguments[name] = 1
        else:
            arguments[name] = "x"
    return rule.build(arguments, append_unknown=False)[1]


def methods_of(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST", "PUT", "PATCH", "DELETE"))


def test_every_facilitator_route_needs_sign_in(app, client, user):
    rules = facilitator_rules(app)
    assert len(rules) > 5
    for rule in rules:
        url = url_for_rule(rule, {})
        for method in methods_of(rule):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), f"{method} {url} ({rule.endpoint}) is open without sign-in"
            if response.status_code == 302:
                assert "/login" in response.location, f"{method} {url} redirects to {response.location}"


def test_every_owned_id_parameter_has_a_factory(app):
    owned = {
        name
        for rule in facilitator_rules(app)
        for name in rule.arguments
        if rule._converters[name].__class__.__name__ == "IntegerConverter"  # noqa: SLF001
    }
    missing = owned - set(OWNED_ROW_FACTORIES)
    assert not missing, f"add factories for {sorted(missing)} in tests/factories.py"


def test_another_facilitators_ids_give_404_on_every_route(app, client, user, other_user):
    with app.app_context():
        theirs = make_owned_rows(other_user.id)
        make_owned_rows(user.id)  # the signed-in user owns rows too: ids must not be confused
    sign_in(client, user)
    checked = 0
    for rule in facilitator_rules(app):
        if not any(name in OWNED_ROW_FACTORIES for name in rule.arguments):
            continue
        url = url_for_rule(rule, theirs)
        for method in methods_of(rule):
            response = client.open(url, method=method, data={})
            assert response.status_code == 404, f"{method} {url} ({rule.endpoint}) gave {response.status_code}"
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("path", ["/no-such-page", "/exercises/999999"])
def test_missing_pages_are_404_in_the_apps_look(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text
    # The app's look: its stylesheet, the site header, the error page's way back, and no stack trace.
    assert '/static/css/app.css' in response.text and 'class="site-header"' in response.text
    assert "Back to the start" in response.text and "Traceback" not in response.text


# --- sessions and programmes shared with colleagues -------------------------------------------
#
# What each route that names a plan (or something inside one) needs. "view": read and print;
# "edit": change the plan and run its reflection forms; "own": delete, archive, duplicate, share;
# "private": never shared (a facilitator's own exercises and templates). A new route that names a
# plan fails test_every_plan_route_says_what_it_needs until it is listed here.
VIEW, EDIT, OWN, PRIVATE = "view", "edit", "own", "private"
PLAN_ROUTE_NEEDS = {
    "planner.session": VIEW, "planner.run_session": VIEW, "planner.programme": VIEW,
    "planner.export_session": VIEW, "planner.export_programme": VIEW,
    "planner.save_session_template": VIEW, "planner.save_programme_template": VIEW,
    "printing.session_handout": VIEW, "printing.run_sheet": VIEW, "printing.partner_handouts": VIEW,
    "printing.session_pack": VIEW, "printing.programme_pack": VIEW, "printing.programme_pack_status": VIEW,
    "planner.add_block": EDIT, "planner.add_break": EDIT, "planner.add_exercise": EDIT, "planner.add_week": EDIT,
    "planner.dismiss_warning": EDIT, "planner.edit_programme": EDIT, "planner.edit_session": EDIT,
    "planner.move_item": EDIT, "planner.move_week": EDIT, "planner.put_back_item": EDIT, "planner.remove_item": EDIT,
    "planner.remove_week": EDIT, "planner.reorder_items": EDIT, "planner.update_item": EDIT,
    "planner.renumber_titles": EDIT, "planner.exercise_choices": EDIT,
    "planner.archive_programme": OWN, "planner.archive_session": OWN, "planner.delete_programme": OWN,
    "planner.delete_session": OWN, "planner.duplicate_programme": OWN, "planner.duplicate_session": OWN,
    "planner.share_programme": OWN, "planner.share_session": OWN,
    "planner.stop_sharing_programme": OWN, "planner.stop_sharing_session": OWN,
    "reflections.programme_trends": EDIT,
    "reflections.show": EDIT, "reflections.preview": EDIT, "reflections.settings": EDIT, "reflections.schedule": EDIT,
    "reflections.open_form": EDIT, "reflections.close_form": EDIT, "reflections.new_question": EDIT,
    "reflections.edit_question": EDIT, "reflections.move_question": EDIT, "reflections.remove_question": EDIT,
    "reflections.results_page": EDIT, "reflections.question_answers": EDIT, "reflections.results_pdf": EDIT,
    "reflections.results_csv": EDIT, "reflections.poster": EDIT, "reflections.wall": EDIT,
    "reflections.wall_panels": EDIT, "reflections.moderate": EDIT,
    "reflections.delete": OWN, "reflections.delete_answers": OWN,
    "exercises.show": PRIVATE, "exercises.edit": PRIVATE, "exercises.fork": PRIVATE, "exercises.archive": PRIVATE,
    "printing.worksheet": PRIVATE, "planner.delete_template": PRIVATE, "exercises.share": PRIVATE,
}  # fmt: skip
# A reflection form is reached through its session, and only by those who may edit it: a viewer
# reads and prints the plan but has no part in what participants wrote.
FORM_ENDPOINT_PREFIX = "reflections."
ROLES = ("owner", "cofacilitator", "viewer", "stranger")


def expected_status(need: str, role: str, endpoint: str) -> str:
    """"ok" (what the owner gets), 403 (may see it, may not do this) or 404 (has no part in it)."""
    if role == "owner":
        return "ok"
    if role == "stranger" or need == PRIVATE:
        return 404
    is_form = endpoint.startswith(FORM_ENDPOINT_PREFIX) and endpoint != "reflections.programme_trends"
    if role == "viewer" and is_form:
        return 404
    allowed = {"cofacilitator": {VIEW, EDIT}, "viewer": {VIEW}}[role]
    return "ok" if need in allowed else 403


def plan_rules(app) -> list[Rule]:
    return [rule for rule in facilitator_rules(app) if any(name in OWNED_ROW_FACTORIES for name in rule.arguments)]


def test_every_plan_route_says_what_it_needs(app):
    missing = sorted({rule.endpoint for rule in plan_rules(app)} - set(PLAN_ROUTE_NEEDS))
    assert not missing, f"say in PLAN_ROUTE_NEEDS what these need: {missing}"


@pytest.mark.slow
def test_every_role_gets_what_its_share_allows_on_every_plan_route(app, make_user):
    """Owner, co-facilitator, viewer and a colleague it was not shared with, on every route, each
    request on fresh rows (so a delete cannot hide what the next route would do)."""
    users = {
        "owner": make_user("olive", display_name="Olive"), "cofacilitator": make_user("colin", display_name="Colin"),
        "viewer": make_user("vera", display_name="Vera"), "stranger": make_user("sam", display_name="Sam"),
    }  # fmt: skip
    clients = {role: sign_in(app.test_client(), user) for role, user in users.items()}
    checked = 0
    for rule in plan_rules(app):
        need = PLAN_ROUTE_NEEDS[rule.endpoint]
        for method in methods_of(rule):
            statuses = {}
            for role in ROLES:
                with app.app_context():
                    ids = make_shared_plan(users["owner"].id, users["cofacilitator"].id, users["viewer"].id)
                response = clients[role].open(url_for_rule(rule, ids), method=method, data={})
                statuses[role] = response.status_code
            assert statuses["owner"] not in (401, 403, 404), f"{method} {rule.rule}: the owner got {statuses['owner']}"
            for role in ROLES[1:]:
                expected = expected_status(need, role, rule.endpoint)
                wanted = statuses["owner"] if expected == "ok" else expected
                assert statuses[role] == wanted, (
                    f"{method} {rule.rule} ({rule.endpoint}, needs {need}): {role} got {statuses[role]}, expected {wanted}"
                )
                checked += 1
    assert checked > 200


def test_revoking_a_share_takes_effect_on_the_next_request(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    with app.app_context():
        ids = make_shared_plan(owner.id, colleague.id, None)
    client = sign_in(app.test_client(), colleague)
    assert client.get(f"/sessions/{ids['session_id']}").status_code == 200
    assert client.get(f"/reflections/{ids['form_id']}/results").status_code == 200
    owner_client = sign_in(app.test_client(), owner)
    response = owner_client.post(f"/programmes/{ids['programme_id']}/sharing/stop", data={"username": "colin"})
    assert response.status_code == 302
    assert client.get(f"/sessions/{ids['session_id']}").status_code == 404
    assert client.get(f"/programmes/{ids['programme_id']}").status_code == 404
    assert client.get(f"/reflections/{ids['form_id']}/results").status_code == 404
    assert client.post(f"/sessions/{ids['session_id']}/items/break", data={"break-minutes": "5"}).status_code == 404
