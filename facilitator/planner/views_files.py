"""Plan files and the facilitator's own templates: import an uploaded plan, list and delete templates."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from ..library import shipped
from ..access import owned_or_404
from ..printing.data import sheet_groups
from ..extensions import db
from . import exchange, plans
from .blueprint import blueprint
from .exchange import ImportFailed
from .forms import ImportForm, SaveTemplateForm
from .models import GroupSession, SavedTemplate


def empty_agendas(sessions: list[GroupSession]) -> str:
    """Why a plan cannot become a file yet, or "": a template needs at least one item in every agenda."""
    empty = [s.title for s in sessions if not s.items]
    if not sessions or empty:
        return "Add at least one item to every agenda first" + (f" (empty: {', '.join(empty)})." if empty else ".")
    return ""


def export_plan(sessions: list[GroupSession], document: dict, back: str):  # noqa: ANN201
    """The plan as a YAML download, or back to it with the reason it cannot be exported yet."""
    problem = empty_agendas(sessions)
    if problem:
        flash(problem, "error")
        return redirect(back)
    response = Response(exchange.to_yaml(document), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{document["slug"]}.yaml"'
    return response


def save_template_page(plan, sessions: list[GroupSession], document: dict, back: str):  # noqa: ANN001, ANN201
    """Ask for a name and keep the plan as the facilitator's own template."""
    form = SaveTemplateForm(title=plan.title)
    if form.validate_on_submit():
        problem = empty_agendas(sessions)
        if problem:
            form.title.errors = [problem]
        else:
            plans.save_as_template(current_user.id, document, form.title.data)
            flash(f"Saved “{form.title.data}” to your templates; pick it when you start a new {document['kind']}.", "success")
            return redirect(back)
    status = 422 if form.errors else 200
    return render_template("planner/save_template.html", form=form, thing=plan, cancel=back), status


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
            plan = plans.import_plan(current_user.id, upload.read(), upload.filename or "upload", shipped.library())
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
    library = shipped.library()
    return render_template("planner/templates.html", saved=plans.saved_templates(current_user.id),
                           shipped=sorted(library.templates.values(), key=lambda t: (t.kind, t.title)),
                           sheet_groups=sheet_groups(library))  # fmt: skip


@blueprint.post("/templates/<int:template_id>/delete")
def delete_template(template_id: int):
    saved = owned_or_404(SavedTemplate, template_id, current_user.id)
    plans.delete_saved_template(saved)
    flash(f"Your template “{saved.title}” is deleted. Plans made from it keep their agendas.", "success")
    return redirect(url_for("planner.templates"))
