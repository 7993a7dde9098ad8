"""Sessions: the list, starting one (blank or from a template), details and copies (archive, delete,
export and save-as-template are in views_plan_actions.py, shared with programmes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..library import shipped
from ..clock import today
from ..extensions import db
from . import plans, service, sharing
from .blueprint import blueprint, own_session
from .exchange import ImportFailed
from .forms import NewPlanForm, SessionForm
from .models import GroupSession, SavedTemplate
from .review import review
from .service import PlannerError, SessionDetails


@blueprint.get("/sessions/")
def sessions():
    archived = request.args.get("archived") == "1"
    rows = service.list_sessions(current_user.id, archived=archived)
    now = today()
    groups = {
        "Coming up": [s for s in rows if s.date and s.date >= now],
        "Not dated yet": [s for s in rows if not s.date],
        "Past": sorted((s for s in rows if s.date and s.date < now), key=lambda s: s.date, reverse=True),
    }
    # Plans colleagues shared are listed apart from the facilitator's own, and only on the current list.
    shared = sharing.shared_with(current_user.id) if not archived else sharing.SharedWithMe([], [])
    reviews = {s.id: review(s) for s in [*rows, *(s for s, _ in shared.sessions)]}
    # An empty list offers every shipped template by name, each link opening with it chosen.
    shipped_templates = sorted(shipped.library().templates.values(), key=lambda t: (t.kind != "session", t.title))
    return render_template(
        "planner/sessions.html", groups=groups, reviews=reviews, archived=archived, count=len(rows), shared=shared,
        shipped_templates=shipped_templates,
    )  # fmt: skip


def new_plan_form(form_class: type[NewPlanForm], kind: str, blank_label: str) -> NewPlanForm:
    shipped_templates = sorted((t for t in shipped.library().templates.values() if t.kind == kind), key=lambda t: t.title)
    form = form_class(source=request.args.get("source", "blank"))
    return form.use_sources(shipped_templates, plans.saved_templates(current_user.id, kind), blank_label)


def plan_from_source(form: NewPlanForm, blank):  # noqa: ANN001, ANN201
    """Build the new session or programme the form asks for; `blank` builds one from nothing."""
    kind, _, value = form.source.data.partition(":")
    library = shipped.library()
    if kind == "shipped":
        return plans.plan_from_shipped(
            current_user.id, library.templates[value], library, title=form.title.data or "", first_date=form.date.data
        )  # fmt: skip
    if kind == "saved":
        saved = db.get_or_404(SavedTemplate, int(value))
        if saved.owner_id != current_user.id:
            abort(404)
        return plans.plan_from_saved(saved, library, title=form.title.data or "", first_date=form.date.data)
    return blank()


def show_template_problems(form: NewPlanForm, error: ImportFailed) -> None:
    db.session.rollback()
    form.source.errors = ["This template cannot be used: " + "; ".join(str(p) for p in error.problems)]


@blueprint.route("/sessions/new", methods=["GET", "POST"])
def new_session():
    form = new_plan_form(NewPlanForm, "session", "A blank session")
    if form.validate_on_submit():
        if form.source.data == "blank" and not (form.title.data or "").strip():
            form.title.errors = ["Give the blank session a title."]
        else:

            def blank() -> GroupSession:
                return service.create_session(current_user.id, SessionDetails(title=form.title.data, date=form.date.data))

            try:
                session = plan_from_source(form, blank)
            except ImportFailed as error:
                show_template_problems(form, error)
            else:
                flash(f"“{session.title}” is ready to plan.", "success")
                return redirect(url_for("planner.session", session_id=session.id))
    status = 422 if form.errors else 200
    return render_template("planner/new_session.html", form=form), status


@blueprint.route("/sessions/<int:session_id>/details", methods=["GET", "POST"])
def edit_session(session_id: int):
    session = own_session(session_id, "edit")
    form = SessionForm().use_library(shipped.library())
    if request.method == "GET":
        form.fill_from(SessionDetails.of(session))
    elif form.validate_on_submit():
        try:
            service.update_session(session, form.details())
        except PlannerError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [error.message]
        else:
            flash("Details saved.", "success")
            return redirect(url_for("planner.session", session_id=session.id))
    status = 422 if form.errors else 200
    return render_template("planner/details.html", form=form, session=session), status


@blueprint.post("/sessions/<int:session_id>/duplicate")
def duplicate_session(session_id: int):
    copy = service.duplicate_session(own_session(session_id, "own"))
    flash("This is a copy; change anything, the original stays as it was.", "success")
    return redirect(url_for("planner.edit_session", session_id=copy.id))
