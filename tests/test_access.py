"""Built from app.url_map, so that no new route can slip in without an access check.

Every route is either in PUBLIC_ENDPOINTS (participants, sign-in, assets) or needs a signed-in
facilitator; every route naming an owned row answers 404 when the row belongs to someone else.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from tests.conftest import sign_in
from tests.factories import OWNED_ROW_FACTORIES, make_owned_rows

# Endpoints anyone may reach. Participant pages live in blueprints named *_public.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.setup", "home"}
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
