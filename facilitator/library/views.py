"""Browse the library, read an exercise, and write or fork one's own."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import owned_or_404
from ..extensions import db
from .files import LibraryError
from ..models import Exercise
from ..planner.service import list_sessions
from . import service
from .forms import ExerciseForm

blueprint = Blueprint("exercises", __name__, url_prefix="/exercises")


@blueprint.before_request
@login_required
def require_login():
    return None


def _filters_from(args) -> service.ExerciseFilters:  # noqa: ANN001
    max_minutes = args.get("max_minutes", "")
    return service.ExerciseFilters(
        q=args.get("q", "")[:200], theme=args.get("theme", ""), format=args.get("format", ""),
        intensity=args.get("intensity", ""), stage=args.get("stage", ""),
        max_minutes=int(max_minutes) if max_minutes.isdigit() and 0 < int(max_minutes) < 1000 else None,
        mine_only=args.get("mine") == "1",
    )  # fmt: skip


@blueprint.get("/")
def index():
    filters = _filters_from(request.args)
    found = service.search_exercises(current_user.id, filters)
    return render_template("exercises/index.html", exercises=found.exercises, found=found, filters=filters)


def _visible_or_404(exercise_id: int) -> Exercise:
    exercise = db.get_or_404(Exercise, exercise_id)
    if not service.can_view(exercise, current_user.id):
        abort(404)
    return exercise


@blueprint.get("/<int:exercise_id>")
def show(exercise_id: int):
    # The sessions it can be added to: the facilitator's own, not archived, soonest first.
    sessions = list_sessions(current_user.id)
    exercise = _visible_or_404(exercise_id)
    original = service.forked_original(exercise)
    return render_template("exercises/show.html", exercise=exercise, sessions=sessions, original=original)


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    return _edit_page(None, "Your exercise is saved. Only you can see it.")


@blueprint.route("/<int:exercise_id>/edit", methods=["GET", "POST"])
def edit(exercise_id: int):
    return _edit_page(owned_or_404(Exercise, exercise_id, current_user.id), "Your changes are saved.")


@blueprint.route("/<int:exercise_id>/fork", methods=["GET", "POST"])
def fork(exercise_id: int):
    """Your own copy starts as a draft of the original on the form; nothing is stored until it is saved."""
    original = _visible_or_404(exercise_id)
    return _edit_page(
        None, "Your copy is saved. Only you can see it; the original stays as it was.", forking=original,
    )  # fmt: skip


def _edit_page(exercise: Exercise | None, saved_message: str, forking: Exercise | None = None):
    """The write, edit or copy form: validated by the library's own parser, nothing stored when it fails."""
    form = ExerciseForm()
    if request.method == "GET" and (exercise or forking) is not None:
        form.fill_from(exercise or forking)
        if forking is not None:
            form.title.data = service.fork_title(forking)
    elif form.validate_on_submit():
        meta, sections = form.meta_and_sections()
        if form.scale_steps.data:
            sections["Steps"] = service.scale_steps(sections["Steps"], form.minutes.data)
            form.steps.data = sections["Steps"]
        try:
            saved = service.save_custom_exercise(
                current_user.id, meta, sections, exercise=exercise, forked_from=forking.slug if forking else None,
            )  # fmt: skip
        except LibraryError as error:
            db.session.rollback()
            form.show_problems(error.problems)
        else:
            flash(saved_message, "success")
            return redirect(url_for("exercises.show", exercise_id=saved.id))
    status = 422 if form.errors else 200
    return render_template("exercises/edit.html", form=form, exercise=exercise, forking=forking), status


@blueprint.post("/<int:exercise_id>/share")
def share(exercise_id: int):
    """The author offers an exercise to the whole practice, or takes it back (only the author: 404 for others)."""
    exercise = owned_or_404(Exercise, exercise_id, current_user.id)
    shared = request.form.get("shared") == "1"
    service.set_shared(exercise, shared)
    if shared:
        flash("Colleagues in this practice can now read, plan with and copy this exercise; they see you as its author.", "success")
    else:
        flash("This exercise is private again. Sessions that already use it keep it.", "success")
    return redirect(url_for("exercises.show", exercise_id=exercise.id))


@blueprint.post("/<int:exercise_id>/archive")
def archive(exercise_id: int):
    exercise = owned_or_404(Exercise, exercise_id, current_user.id)
    service.archive_custom_exercise(exercise)
    flash(f"“{exercise.title}” is removed from your library. Sessions that use it keep it.", "info")
    return redirect(url_for("exercises.index"))
