"""Programmes: a multi-week group's overview, its weeks, and the arc across them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from . import programmes
from .blueprint import blueprint, own_programme, own_week, plan_access
from .exchange import ImportFailed
from .forms import NewProgrammeForm, ProgrammeForm
from .programmes import ProgrammeDetails
from .service import PlannerError
from .views_sessions import new_plan_form, plan_from_source, show_template_problems


@blueprint.get("/programmes/", endpoint="programmes")
def programmes_list():
    archived = request.args.get("archived") == "1"
    rows = programmes.list_programmes(current_user.id, archived=archived)
    return render_template("planner/programmes.html", programmes=rows, archived=archived)


@blueprint.route("/programmes/new", methods=["GET", "POST"])
def new_programme():
    form = new_plan_form(NewProgrammeForm, "programme", "A blank programme")
    if form.validate_on_submit():
        if form.source.data == "blank" and not (form.title.data or "").strip():
            form.title.errors = ["Give the blank programme a title."]
        else:

            def blank():  # noqa: ANN202
                details = ProgrammeDetails(title=form.title.data)
                return programmes.create_programme(current_user.id, details, form.weeks.data or 6, form.date.data)

            try:
                programme = plan_from_source(form, blank)
            except ImportFailed as error:
                show_template_problems(form, error)
            else:
                flash(f"“{programme.title}” is ready: {len(programme.sessions)} weeks to plan.", "success")
                return redirect(url_for("planner.programme", programme_id=programme.id))
    status = 422 if form.errors else 200
    return render_template("planner/new_programme.html", form=form), status


@blueprint.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    row = own_programme(programme_id, "view")
    return render_template(
        "planner/programme.html", programme=row, weeks=programmes.overview(row), access=plan_access(row),
        title_fixes=programmes.title_fixes(row),
    )  # fmt: skip


@blueprint.route("/programmes/<int:programme_id>/details", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    row = own_programme(programme_id, "edit")
    form = ProgrammeForm(obj=row)
    if request.method == "GET":
        form.first_date.data = row.sessions[0].date if row.sessions else None
    elif form.validate_on_submit():
        try:
            programmes.update_programme(row, form.details(), form.first_date.data)
        except PlannerError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [error.message]
        else:
            flash("Programme saved.", "success")
            return redirect(url_for("planner.programme", programme_id=row.id))
    status = 422 if form.errors else 200
    return render_template("planner/programme_details.html", form=form, programme=row), status


@blueprint.post("/programmes/<int:programme_id>/weeks")
def add_week(programme_id: int):
    row = own_programme(programme_id, "edit")
    try:
        week = programmes.add_week(row)
    except PlannerError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("planner.programme", programme_id=row.id))
    flash(f"Added week {week.week_number}.", "success")
    return redirect(url_for("planner.programme", programme_id=row.id, _anchor=f"week-{week.id}"))


@blueprint.post("/programmes/<int:programme_id>/weeks/<int:session_id>/move")
def move_week(programme_id: int, session_id: int):
    row = own_programme(programme_id, "edit")
    week = own_week(row, session_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is not None:
        programmes.move_week(row, week, step)
    return redirect(url_for("planner.programme", programme_id=row.id, _anchor=f"week-{week.id}"))


@blueprint.post("/programmes/<int:programme_id>/titles")
def renumber_titles(programme_id: int):
    """Titles that name a week ("Week 3: ...") get the number of the week they now sit in."""
    row = own_programme(programme_id, "edit")
    count = programmes.renumber_titles(row)
    flash(f"Renumbered {count} title{'' if count == 1 else 's'} to match {'its week' if count == 1 else 'their weeks'}.", "success")
    return redirect(url_for("planner.programme", programme_id=row.id))


@blueprint.post("/programmes/<int:programme_id>/weeks/<int:session_id>/remove")
def remove_week(programme_id: int, session_id: int):
    row = own_programme(programme_id, "edit")
    week = own_week(row, session_id)
    programmes.detach_week(row, week)
    flash(f"“{week.title}” is out of the programme and kept under Sessions.", "success")
    return redirect(url_for("planner.programme", programme_id=row.id))


@blueprint.post("/programmes/<int:programme_id>/duplicate")
def duplicate_programme(programme_id: int):
    copy = programmes.duplicate_programme(own_programme(programme_id, "own"))
    flash("This is a copy of the whole programme, without dates.", "success")
    return redirect(url_for("planner.edit_programme", programme_id=copy.id))
