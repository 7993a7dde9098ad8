"""Sharing pages for a session or a programme: who it is shared with, share it, change a role, stop sharing.

Only the owner reaches these pages; a colleague it is shared with gets 403, anyone else 404.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from ..access import ROLE_LABELS, VIEWER
from . import sharing
from .blueprint import blueprint, own_programme, own_session
from .models import GroupSession, Programme


class ShareForm(FlaskForm):
    username = StringField(
        "Colleague's username", validators=[DataRequired(message="Enter the username your colleague signs in with."), Length(max=64)],
        description="The name they sign in with on this installation.",
    )  # fmt: skip
    role = RadioField("They may", choices=sharing.ROLE_CHOICES, default=VIEWER)


def _sharing_page(plan: GroupSession | Programme, kind: str, ids: dict):  # noqa: ANN202
    """GET lists the shares; POST shares (or changes a role), then back to the list."""
    back = url_for(f"planner.{kind}", **ids)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            share = sharing.share_plan(plan, form.username.data, form.role.data)
        except sharing.ShareError as error:
            form.username.errors.append(str(error))
        else:
            role = ROLE_LABELS[share.role].lower()
            flash(f"“{plan.title}” is shared with {share.user.name} as {role}.", "success")
            return redirect(url_for(f"planner.share_{kind}", **ids))
    page = render_template(
        "planner/sharing.html", plan=plan, kind=kind, ids=ids, form=form, shares=sharing.shares_of(plan),
        role_labels=ROLE_LABELS, back=back,
    )  # fmt: skip
    return page, 422 if form.errors else 200


def _stop(plan: GroupSession | Programme, kind: str, ids: dict):  # noqa: ANN202
    username = request.form.get("username", "")[:64]
    if sharing.stop_sharing(plan, username):
        flash(f"“{plan.title}” is no longer shared with {username}.", "success")
    else:
        flash(f"“{plan.title}” was not shared with {username}.", "info")
    return redirect(url_for(f"planner.share_{kind}", **ids))


@blueprint.route("/sessions/<int:session_id>/sharing", methods=["GET", "POST"])
def share_session(session_id: int):
    return _sharing_page(own_session(session_id, "own"), "session", {"session_id": session_id})


@blueprint.post("/sessions/<int:session_id>/sharing/stop")
def stop_sharing_session(session_id: int):
    return _stop(own_session(session_id, "own"), "session", {"session_id": session_id})


@blueprint.route("/programmes/<int:programme_id>/sharing", methods=["GET", "POST"])
def share_programme(programme_id: int):
    return _sharing_page(own_programme(programme_id, "own"), "programme", {"programme_id": programme_id})


@blueprint.post("/programmes/<int:programme_id>/sharing/stop")
def stop_sharing_programme(programme_id: int):
    return _stop(own_programme(programme_id, "own"), "programme", {"programme_id": programme_id})
