"""The pages a one-time link opens (accept an invitation, choose a new password), and the rule that a
temporary password is changed before anything else is done.

They are open to anyone holding a link (listed in tests/test_access.py PUBLIC_ENDPOINTS); they are not
participant pages (no _public suffix), because they need the session cookie for CSRF and to sign in.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..clock import utcnow
from ..extensions import limiter
from . import links, service
from .forms import PASSWORD_LENGTH

blueprint = Blueprint("account_links", __name__)
LINK_LIMIT = "30 per minute"  # a token is 256 random bits; this only keeps scanners from hammering the database


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(message="Choose a password."), PASSWORD_LENGTH],
        description=f"At least {service.MIN_PASSWORD_LENGTH} characters. A short sentence is easy to remember.",
    )  # fmt: skip
    confirm = PasswordField("New password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")])


class AcceptInviteForm(NewPasswordForm):
    display_name = StringField("Your name", validators=[Optional(), Length(max=120)], description="Shown to colleagues and participants.")


def _link_problem(error: links.LinkError):  # noqa: ANN202
    return render_template("auth/link_problem.html", message=str(error)), error.status


def _no_store(page: str, status: int = 200):  # noqa: ANN202
    """Pages holding a token in their address are never kept by a browser or proxy cache."""
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT)
def accept_invite(token: str):
    try:
        link = links.usable_link(token, links.INVITE, utcnow())
    except links.LinkError as error:
        return _link_problem(error)
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            user = links.accept_invite(token, display_name=form.display_name.data or "", password=form.password.data, now=utcnow())
        except links.LinkError as error:
            return _link_problem(error)
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            login_user(user)
            flash(f"Welcome. Your account {user.username} is ready.", "success")
            return redirect(url_for("home"))
    page = render_template("auth/accept_invite.html", form=form, username=link.note)
    return _no_store(page, 422 if form.errors else 200)


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT)
def reset_password(token: str):
    try:
        links.usable_link(token, links.RESET, utcnow())
    except links.LinkError as error:
        return _link_problem(error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = links.use_reset_link(token, password=form.password.data, now=utcnow())
        except links.LinkError as error:
            return _link_problem(error)
        except service.AccountError as error:
            form.password.errors.append(str(error))
        else:
            flash(f"Your new password is set, {user.name}. Sign in with it; other browsers were signed out.", "success")
            return redirect(url_for("auth.login"))
    return _no_store(render_template("auth/reset_password.html", form=form), 422 if form.errors else 200)


# Pages a facilitator with a temporary password may still open: choosing the new one, signing out.
_WHILE_TEMPORARY = {"auth.account", "auth.logout", "static"}


@blueprint.before_app_request
def change_temporary_password_first():
    """A temporary password an admin gave is changed before anything else (docs/sharing.md)."""
    endpoint = request.endpoint or ""
    # Participant pages first, before current_user is touched: they never load a facilitator.
    if endpoint in _WHILE_TEMPORARY or endpoint.split(".")[0].endswith("_public") or endpoint.startswith("account_links."):
        return None
    if not current_user.is_authenticated or not getattr(current_user, "must_change_password", False):
        return None
    flash("Your admin gave you a temporary password: choose your own before you go on.", "info")
    return redirect(url_for("auth.account", _anchor="password"))
