"""The participant's side: join by code, answer on a phone, see a thank-you page with support.

No JavaScript, no cookie, no sign-in. The views pass only the form fields to the services, so
no address or user agent can reach the database; the access log is kept free of addresses too
(logging_setup.py), and the rate limiter counts a hash, not the address itself.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address

from .. import support
from ..clock import today, utcnow
from ..extensions import csrf, db, limiter
from ..logging_setup import keep_client_addresses_out_of_werkzeug_log
from . import codes, form_cache, submissions
from .form_cache import FormSpec
from .results import min_answers

blueprint = Blueprint("reflections_public", __name__)
# The one-time token guards the submit; there is no signed-in session here for CSRF to protect,
# and a CSRF token would need a session cookie, which participant pages never set.
csrf.exempt(blueprint)


@blueprint.record_once
def _quiet_access_log(_state) -> None:  # noqa: ANN001
    keep_client_addresses_out_of_werkzeug_log()


@blueprint.before_request
def _read_without_a_transaction() -> None:
    """A participant's GET only reads, one statement or two: on PostgreSQL it runs them in
    autocommit, so a page load is one round trip per statement instead of BEGIN, the statement
    and ROLLBACK. A submit keeps its transaction. SQLite's BEGIN costs nothing: left as it is."""
    if request.method == "GET" and db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def form_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]


def code_guess_limit() -> str:
    return current_app.config["CODE_GUESS_RATE_LIMIT"]


def _hashed(kind: str, *parts: str) -> str:
    """A limiter key: hashed with the secret key, so the limiter's store never holds an address."""
    raw = "|".join((current_app.config["SECRET_KEY"], *parts, get_remote_address()))
    return f"reflection-{kind}:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def submit_limit_key() -> str:
    """Per form and per address, so one noisy phone cannot flood a form and a venue's shared
    address only shares its allowance per form."""
    return _hashed("submit", (request.view_args or {}).get("code", ""))


def form_limit_key() -> str:
    """Fresh tokens per form and per address (docs/privacy.md, "Throttles")."""
    return _hashed("form", (request.view_args or {}).get("code", ""))


def code_guess_key() -> str:
    """Wrong codes per address, whether typed at /join or put in the form's address."""
    return _hashed("guess")


def _a_miss(response) -> bool:  # noqa: ANN001
    return response.status_code == 404


def _holds_a_token() -> bool:
    """A page named by its own token (the Back target) issues none, so it is not counted."""
    return "t" in request.args


@blueprint.errorhandler(429)
def too_many(_error):  # noqa: ANN001
    return render_template("reflections/public/slow_down.html"), 429


@blueprint.errorhandler(404)
def not_found(_error):  # noqa: ANN001
    return render_template("reflections/public/not_found.html"), 404


@blueprint.get("/join")
@limiter.shared_limit(code_guess_limit, scope="reflection-code-guess", key_func=code_guess_key, deduct_when=_a_miss)
def join():
    """Type the code from the poster; a wrong code is answered beside the field."""
    typed = request.args.get("code")
    if typed is None:
        return render_template("reflections/public/join.html", typed="", problem="")
    code = codes.normalise_code(typed)
    if not codes.looks_like_code(code):
        # Six characters with a letter no code uses (O, S, B...) read as a typo, not as
        # the wrong length: "A code has 6 letters" would puzzle someone who typed six.
        if len(code) == codes.CODE_LENGTH:
            problem = "No form has this code. Please check the letters on the poster, or ask your facilitator."
        else:
            problem = "A code has 6 letters and numbers, like KM4 7RX. Please check it on the poster."
        return render_template("reflections/public/join.html", typed=typed, problem=problem), 422
    found = form_cache.published_form(code)
    if found is None or found.status(utcnow()) == "draft":
        problem = "No form has this code. Please check the letters on the poster, or ask your facilitator."
        return render_template("reflections/public/join.html", typed=typed, problem=problem), 404
    return redirect(url_for("reflections_public.form", code=code))


def _form_or_page(code: str) -> FormSpec | tuple:
    """The open form for a code, or the kind page (and status) that explains why it cannot be answered."""
    form = form_cache.published_form(code)
    status = form.status(utcnow()) if form is not None else "draft"
    if status == "draft":
        # A draft's code says nothing, not even that it exists: its title and author stay private.
        return render_template("reflections/public/not_found.html"), 404
    if status == "open":
        return form
    if status == "closed":
        return render_template("reflections/public/closed.html", form=form, resources=support.support_resources()), 410
    return render_template("reflections/public/not_open.html", form=form), 403


def form_page(form: FormSpec, token: str, read=None, notice: str = "", status: int = 200, preview: bool = False):  # noqa: ANN001
    """The participant's form; the facilitator's preview shows the same page with sending switched off."""
    return render_template(
        "reflections/public/form.html", form=form, questions=form.questions, token=token,
        sent=request.form if read is not None else {},
        errors=read.errors if read else {}, notice=notice, preview=preview,
        k=min_answers(), resources=support.support_resources(),
    ), status  # fmt: skip


TOKEN_SLOT = "__one_time_token__"
_blank_pages: dict[tuple, str] = {}


def blank_form_page(form: FormSpec, token: str) -> str:
    """The form as first loaded: rendered once per form version and setting, then only the token
    differs from one phone to the next. A full room loads the same page thousands of times."""
    resources = tuple(support.support_resources())
    key = (form.id, form.code, form.version, form.facilitator_name, current_app.config.get("MIN_RESPONSES"), resources)
    page = _blank_pages.get(key)
    if page is None:
        if len(_blank_pages) >= form_cache.CACHE_SIZE:
            _blank_pages.clear()
        page = _blank_pages[key] = form_page(form, TOKEN_SLOT)[0]
    return page.replace(TOKEN_SLOT, token, 1)


@blueprint.get("/r/<code>")
@limiter.limit(form_limit, key_func=form_limit_key, exempt_when=_holds_a_token)
@limiter.shared_limit(code_guess_limit, scope="reflection-code-guess", key_func=code_guess_key, deduct_when=_a_miss)
def form(code: str):
    canonical = codes.normalise_code(code)
    if canonical != code and codes.looks_like_code(canonical):
        # The address typed from the poster in lower case, or with the space or a dash: same form.
        return redirect(url_for("reflections_public.form", code=canonical), 301)
    found = _form_or_page(code)
    if not isinstance(found, FormSpec):
        return found
    secret = current_app.config["SECRET_KEY"]
    if "t" in request.args:
        return _page_of_token(found, request.args["t"])
    token = submissions.issue_token(secret, found.id, found.round)
    if request.headers.get("Sec-Fetch-Mode") == "navigate":
        # A browser gets the form at an address holding its own token, so that Back after sending
        # returns to a page that knows it was sent: no cookie needed (docs/privacy.md, "Back").
        return redirect(url_for("reflections_public.form", code=code, t=token), 303)
    return blank_form_page(found, token)


def _page_of_token(form: FormSpec, token: str):  # noqa: ANN202
    """The form for a token in the address; once that token has sent, "your answers are already in"."""
    nonce = submissions.token_nonce(current_app.config["SECRET_KEY"], token, form.id, form.round)
    if nonce is None:  # expired, from an earlier round, or not ours: a fresh page
        return redirect(url_for("reflections_public.form", code=form.code), 303)
    if submissions.token_spent(nonce):
        return render_template("reflections/public/already_in.html", form=form, resources=support.support_resources())
    return blank_form_page(form, token)


@blueprint.post("/r/<code>")
@limiter.limit(submit_limit, key_func=submit_limit_key)
def submit(code: str):
    found = _form_or_page(code)
    if not isinstance(found, FormSpec):
        return found
    form = found
    secret = current_app.config["SECRET_KEY"]
    token = request.form.get("token", "")
    nonce = submissions.token_nonce(secret, token, form.id, form.round)
    if nonce is None:
        return _expired(form.code, submissions.read_answers([], {}))
    fields = request.form.to_dict(flat=False)
    read = submissions.read_answers(form.questions, fields)
    if read.errors:
        return form_page(form, token, read, status=422)
    stored = submissions.store_response(form.id, form.round, form.questions, read.values, nonce, today(), utcnow(), min_answers())
    if stored is submissions.Stored.STALE:  # closed, or a new round began, while the page was open
        return _expired(form.code, read)
    # Stored or already stored by an earlier tap: the same thank-you either way.
    return redirect(url_for("reflections_public.thanks", code=form.code), 303)


def _expired(code: str, read: submissions.ReadAnswers):  # noqa: ANN202
    """The form as it is now, with what was typed still in it and a fresh token; or why it cannot be sent."""
    current = _form_or_page(code)
    if not isinstance(current, FormSpec):
        return current
    token = submissions.issue_token(current_app.config["SECRET_KEY"], current.id, current.round)
    return form_page(current, token, read, EXPIRED, 400)


EXPIRED = "This page had expired. Your answers are still here: please press Send again."


@blueprint.get("/r/<code>/thanks")
def thanks(code: str):
    form = form_cache.published_form(code)
    if form is None:
        return render_template("reflections/public/not_found.html"), 404
    return render_template("reflections/public/thanks.html", form=form, resources=support.support_resources())
