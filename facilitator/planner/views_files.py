"""Plan files and the facilitator's own templates: import an uploaded plan, list and delete templates."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import shipped
from ..access import owned_or_404
from ..extensions import db
from . import exchange
from .blueprint import blueprint
from .exchange import ImportFailed
from .forms import ImportForm
from .models import GroupSession, SavedTemplate


def plan_url(plan) -> str:  # noqa: ANN001
    if isinstance(plan, GroupSession):
        return url_for("planner.session", session_id=plan.id)
    return url_for("planner.programme", programme_id=plan.id)


@blueprint.route("/import", methods=["GET", "POST"])
def import_plan():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            plan = exchange.import_plan(current_user.id, upload.read(), upload.filename or "upload", shipped.library())
        except ImportFailed as error:
            db.session.rollback()
            problems = error.problems
            form.file.errors = [f"{upload.filename or 'The file'} was not imported; nothing was saved."]
        else:
            flash(f"Imported “{plan.title}”.", "success")
            return redirect(plan_url(plan))
    status = 422 if form.errors else 200
    return render_template("planner/import.html", form=form, problems=problems), status


@blueprint.get("/templates/")
def templates():
    return render_template("planner/templates.html", saved=exchange.saved_templates(current_user.id),
                           shipped=sorted(shipped.library().templates.values(), key=lambda t: (t.kind, t.title)))  # fmt: skip


@blueprint.post("/templates/<int:template_id>/delete")
def delete_template(template_id: int):
    saved = owned_or_404(SavedTemplate, template_id, current_user.id)
    exchange.delete_saved_template(saved)
    flash(f"Your template “{saved.title}” is deleted. Plans made from it keep their agendas.", "success")
    return redirect(url_for("planner.templates"))
