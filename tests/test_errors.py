"""Errors are for people: pages in the app's look with the right status."""

import pytest
from flask import abort


@pytest.fixture
def app(app):
    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("a bug")

    @app.get("/test-only/gone")
    def gone():
        abort(410)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_an_unexpected_error_shows_a_calm_500_page(signed_in):
    response = signed_in.get("/test-only/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "Nothing you saved before has been lost" in response.text
    assert "RuntimeError" not in response.text


def test_a_missing_page_is_a_404_in_the_apps_look(signed_in):
    response = signed_in.get("/exercises/0")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_wrong_method_is_405(signed_in):
    assert signed_in.post("/exercises/").status_code == 405
