"""The practice admin's page: list facilitators, add or invite one, reset a password, disable or enable an account.

Only admins reach these pages (403 for anyone else), so only an admin learns which accounts exist.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from .. import support
from ..clock import today, utcnow
from . import links, service
from .forms import USERNAME_RULES, AddFacilitatorForm

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403)


@blueprint.get("/facilitators")
def facilitators():
    return _render_list(AddFacilitatorForm())


@blueprint.post("/facilitators")
def add_facilitator():
    form = AddFacilitatorForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                form.username.data, form.password.data, display_name=form.display_name.data or "",
                practice_name=form.practice_name.data or "", is_admin=form.is_admin.data,
                paper_size=current_app.config["PAPER_SIZE"],
            )  # fmt: skip
        except service.AccountError as error:
            getattr(form, error.field, form.username).errors.append(str(error))
        else:
            flash(f"{user.username} can now sign in.", "success")
            return redirect(url_for("admin.facilitators"))
    return _render_list(form), 422


@blueprint.post("/facilitators/<username>/disable")
def disable(username: str):
    return _set_disabled(username, True)


@blueprint.post("/facilitators/<username>/enable")
def enable(username: str):
    return _set_disabled(username, False)


def _set_disabled(username: str, disabled: bool):
    try:
        user = service.set_disabled(username, disabled, acting_user_id=current_user.id)
    except LookupError:
        abort(404)
    except service.AccountError as error:
        flash(str(error), "error")
    else:
        if disabled:
            flash(f"{user.username} is disabled and signed out everywhere. Their sessions and forms are kept.", "success")
        else:
            flash(f"{user.username} can sign in again.", "success")
    return redirect(url_for("admin.facilitators"))


class InviteForm(FlaskForm):
    username = StringField("Their username", validators=USERNAME_RULES, description="They sign in with it; they choose their own password.")
    is_admin = BooleanField("May add, invite and disable facilitators")


def _render_list(form: AddFacilitatorForm, invite_form: InviteForm | None = None) -> str:
    return render_template(
        "auth/admin.html", facilitators=service.all_facilitators(), form=form,
        invite_form=invite_form or InviteForm(formdata=None), invites=links.pending_invites(utcnow()),
        stale_support=len(support.stale_lines(today())),
    )  # fmt: skip


def _show_once(heading: str, explanation: str, secret: str, expiry: str):  # noqa: ANN202
    """A link or temporary password, shown this once and never cached."""
    page = render_template("auth/admin_link.html", heading=heading, explanation=explanation, secret=secret, expiry=expiry)
    return page, 200, {"Cache-Control": "no-store"}


@blueprint.post("/invites")
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            token = links.invite(form.username.data, is_admin=form.is_admin.data, made_by_id=current_user.id, now=utcnow())
        except service.AccountError as error:
            form.username.errors.append(str(error))
        else:
            url = url_for("account_links.accept_invite", token=token, _external=True)
            return _show_once(
                f"Invitation for {form.username.data.strip()}", "Send this link to your colleague: it lets them create their account.",
                url, f"It works once, for {links.INVITE_DAYS} days.",
            )  # fmt: skip
    return _render_list(AddFacilitatorForm(formdata=None), form), 422


@blueprint.post("/invites/withdraw")
def withdraw_invite():
    try:
        link = links.withdraw_invite(request.form.get("invite_id", type=int) or 0, utcnow())
    except LookupError:
        abort(404)
    flash(f"The invitation for {link.note} no longer works.", "success")
    return redirect(url_for("admin.facilitators"))


@blueprint.post("/facilitators/<username>/reset")
def reset_password(username: str):
    """Reset a colleague's password: a one-time link (default), or a temporary password to change at sign-in."""
    try:
        if request.form.get("method") == "temporary":
            password = links.temporary_password(username)
            return _show_once(
                f"Temporary password for {username}",
                f"{username} is signed out everywhere. They sign in with this password and must then choose their own.",
                password, "It stops working as soon as they choose their own.",
            )  # fmt: skip
        token = links.reset_link(username, made_by_id=current_user.id, now=utcnow())
    except LookupError:
        abort(404)
    url = url_for("account_links.reset_password", token=token, _external=True)
    return _show_once(
        f"Password reset link for {username}",
        f"Send this link to {username}: it lets them choose a new password, and signs them out everywhere when they do.",
        url, f"It works once, for {links.RESET_HOURS} hours; an earlier reset link for them stops working.",
    )  # fmt: skip


from . import support_lines  # noqa: E402,F401  (adds the support-lines page to this blueprint)
