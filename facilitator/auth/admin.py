"""The practice admin's page: list facilitators, add one, disable or enable an account."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from . import service
from .forms import AddFacilitatorForm

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


def _render_list(form: AddFacilitatorForm) -> str:
    return render_template("auth/admin.html", facilitators=service.all_facilitators(), form=form)
