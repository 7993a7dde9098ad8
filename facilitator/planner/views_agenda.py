"""The session page, where the agenda is built: add, reorder, time, pin, note and remove items.

Every form works as a plain POST and redirect; planner.js sends the same POSTs and swaps in the
agenda fragment the view renders instead of redirecting.
"""

from __future__ import annotations

from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, user_logged_out
from ..library import shipped
from ..reflections.session_links import session_reflections
from ..library.service import ExerciseFilters, browse_exercises, can_view
from ..extensions import db
from ..models import Exercise
from . import service
from .blueprint import blueprint, own_item, own_session, plan_access, wants_fragment
from .forms import AddBlockForm, AddBreakForm, AddExerciseForm, AddToSessionForm, ItemForm
from .models import AgendaItem, GroupSession
from .review import review
from .runmode import run_steps
from .service import PlannerError

SEARCH_FIELDS = ("q", "theme", "stage", "intensity", "format")


def item_form(item: AgendaItem, formdata: object = None) -> ItemForm:
    return ItemForm(
        formdata=formdata, prefix=f"item-{item.id}", minutes=item.minutes, pin=item.pin, note=item.note, title=item.title,
    )  # fmt: skip


def agenda_context(session: GroupSession, *, failed: tuple[int, ItemForm] | None = None) -> dict:
    """What the agenda fragment needs: timings, arc, and one edit form per item (the failed one as sent)."""
    forms = {item.id: item_form(item) for item in session.items}
    if failed:
        forms[failed[0]] = failed[1]
    return {
        "session": session, "review": review(session), "item_forms": forms,
        "open_item": failed[0] if failed else None, "library": shipped.library(), "access": plan_access(session),
    }  # fmt: skip


def search_filters() -> ExerciseFilters:
    values = {name: request.args.get(name, "")[:200] for name in SEARCH_FIELDS}
    return ExerciseFilters(**values)


def session_page_context(session: GroupSession, **context: object) -> dict:
    """Everything the session page shows: the agenda's context plus the add panel's search and forms."""
    context = {**agenda_context(session, failed=context.pop("failed", None)), **context}
    filters = search_filters()
    context.setdefault("break_form", AddBreakForm(formdata=None, prefix="break"))
    context.setdefault("block_form", AddBlockForm(formdata=None, prefix="block"))
    context.setdefault("insert_after", insert_point(session, request.args.get("after")))
    reflections = session_reflections(session.id)
    return {**context, "filters": filters, "exercises": browse_exercises(current_user.id, filters), "reflections": reflections}


def render_session_page(session: GroupSession, status: int = 200, **context: object):
    """The whole page, or only the agenda when planner.js asked for it."""
    if wants_fragment():
        context = {**agenda_context(session, failed=context.pop("failed", None)), **context}
        return render_template("planner/_agenda.html", fragment=True, **context), status
    return render_template("planner/session.html", **session_page_context(session, **context)), status


def back_to_agenda(session: GroupSession, message: str = "", anchor: str = "agenda"):
    if wants_fragment():
        return render_session_page(session)
    if message:
        flash(message, "success")
    return redirect(url_for("planner.session", session_id=session.id, _anchor=anchor))


def insert_point(session: GroupSession, value: str | None) -> AgendaItem | None:
    """The item new items go after (`?after=` on the page, `after` in an add form); None means the end.
    An id that is not on this agenda (removed meanwhile, or someone else's) also means the end."""
    return next((item for item in session.items if value and str(item.id) == value), None)


def back_after_adding(session: GroupSession, item: AgendaItem, after: AgendaItem | None, title: str):
    """After an insert, the next item goes after the one just added, so a run of inserts stays in order."""
    if wants_fragment():
        return render_session_page(session, added_id=item.id, insert_after=item if after else None)
    flash(f"Added “{title}”{' after “' + row_title(after) + '”' if after else ''}.", "success")
    return redirect(url_for("planner.session", session_id=session.id, after=item.id if after else None, _anchor=f"item-{item.id}"))


def row_title(item: AgendaItem) -> str:
    return item.exercise.title if item.exercise else item.title


@blueprint.get("/sessions/<int:session_id>")
def session(session_id: int):
    return render_session_page(own_session(session_id, "view"))


@blueprint.get("/sessions/<int:session_id>/exercise-choices")
def exercise_choices(session_id: int):
    """The add panel's list alone, for its live search: the same ranked search as the library page
    and as the panel without JavaScript, so typing never shows another order than pressing Search."""
    session = own_session(session_id, "edit")
    html = render_template("planner/_exercise_choices.html", session=session, filters=search_filters(),
                           exercises=browse_exercises(current_user.id, search_filters()),
                           insert_after=insert_point(session, request.args.get("after")))  # fmt: skip
    return html, 200, {"Cache-Control": "no-store"}


@blueprint.post("/sessions/<int:session_id>/items/exercise")
def add_exercise(session_id: int):
    session = own_session(session_id, "edit")
    form = AddExerciseForm()
    exercise = db.session.get(Exercise, form.exercise_id.data) if form.validate() else None
    if exercise is None or exercise.hidden or not can_view(exercise, current_user.id):
        flash("That exercise is not in your library; pick one from the list.", "error")
        return render_session_page(session, 400)
    after = insert_point(session, request.form.get("after"))
    try:
        item = service.add_exercise(session, exercise, form.minutes.data, after=after)
    except PlannerError as error:
        db.session.rollback()
        flash(error.message, "error")
        return render_session_page(session, 422)
    return back_after_adding(session, item, after, exercise.title)


@blueprint.post("/sessions/add-exercise")
def add_exercise_to_session():
    """From an exercise's own page: add it at the end of one of the facilitator's sessions."""
    form = AddToSessionForm()
    exercise = db.session.get(Exercise, form.exercise_id.data) if form.validate() else None
    if exercise is None or exercise.hidden or not can_view(exercise, current_user.id):
        abort(404)
    session = own_session(form.session_id.data, "edit")
    try:
        item = service.add_exercise(session, exercise)
    except PlannerError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("exercises.show", exercise_id=exercise.id))
    flash(f"Added “{exercise.title}” at the end of “{session.title}”. Move it where it belongs.", "success")
    return redirect(url_for("planner.session", session_id=session.id, _anchor=f"item-{item.id}"))


def add_free_item(session_id: int, form: AddBreakForm | AddBlockForm, add, form_name: str):  # noqa: ANN001
    """Add a break or a block with `add(session, after)`; on a problem, the form again with the message beside its field."""
    session = own_session(session_id, "edit")
    after = insert_point(session, request.form.get("after"))
    if form.validate():
        try:
            item = add(session, after)
        except PlannerError as error:
            db.session.rollback()
            getattr(form, error.field, form.title).errors = [error.message]
        else:
            return back_after_adding(session, item, after, item.title)
    return render_session_page(session, 422, insert_after=after, **{form_name: form})


@blueprint.post("/sessions/<int:session_id>/items/break")
def add_break(session_id: int):
    form = AddBreakForm(prefix="break")
    return add_free_item(session_id, form, lambda s, after: service.add_break(s, form.minutes.data, form.title.data, after), "break_form")


@blueprint.post("/sessions/<int:session_id>/items/block")
def add_block(session_id: int):
    form = AddBlockForm(prefix="block")
    return add_free_item(session_id, form, lambda s, after: service.add_block(s, form.title.data, form.minutes.data, after), "block_form")


@blueprint.post("/sessions/<int:session_id>/items/<int:item_id>")
def update_item(session_id: int, item_id: int):
    session = own_session(session_id, "edit")
    item = own_item(session, item_id)
    form = item_form(item, request.form)
    if form.validate():
        title = form.title.data if item.kind != "exercise" else None
        try:
            service.update_item(item, minutes=form.minutes.data, note=form.note.data or "", pin=form.pin.data or "", title=title)
        except PlannerError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [error.message]
        else:
            return back_to_agenda(session, "Saved.", f"item-{item.id}")
    db.session.expire_all()  # show the session as it was, beside the rejected values
    return render_session_page(own_session(session_id, "edit"), 422, failed=(item_id, form))


@blueprint.post("/sessions/<int:session_id>/items/<int:item_id>/move")
def move_item(session_id: int, item_id: int):
    session = own_session(session_id, "edit")
    item = own_item(session, item_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        return render_session_page(session, 400)
    service.move_item(item, step)
    return back_to_agenda(session, anchor=f"item-{item.id}")


@blueprint.post("/sessions/<int:session_id>/order")
def reorder_items(session_id: int):
    session = own_session(session_id, "edit")
    try:
        order = [int(part) for part in request.form.get("order", "").split(",") if part.strip()]
        service.reorder_items(session, order)
    except (ValueError, PlannerError):
        db.session.rollback()
        flash("The new order did not match this agenda, so nothing changed. Please try again.", "error")
        return render_session_page(session, 400)
    return back_to_agenda(session)


@blueprint.post("/sessions/<int:session_id>/items/<int:item_id>/remove")
def remove_item(session_id: int, item_id: int):
    session = own_session(session_id, "edit")
    item = own_item(session, item_id)
    # Kept on the server for "Put it back", never in the cookie: a note can hold client details.
    service.remove_item(item, removed_by=current_user.id, session_version=current_user.session_version)
    return back_to_agenda(session)  # the agenda itself says what was removed, beside "Put it back"


@blueprint.post("/sessions/<int:session_id>/items/put-back")
def put_back_item(session_id: int):
    session = own_session(session_id, "edit")
    removed = service.last_removed_item(current_user.id, current_user.session_version)
    if removed is None or removed.session_id != session.id:
        return back_to_agenda(session, "There is nothing to put back.")
    label = removed.label or "The item"
    try:
        service.put_back_item(session, removed)
    except PlannerError as problem:
        return back_to_agenda(session, problem.message)
    return back_to_agenda(session, f"“{label}” is back in its place.")


@blueprint.context_processor
def last_removed_item() -> dict:
    """What this facilitator removed last, for the "Put it back" button on its session page.

    Planner pages only: PDFs, commands and error pages need no database read for it."""
    if not has_request_context() or not current_user.is_authenticated:
        return {"removed_item": None}
    return {"removed_item": service.last_removed_item(current_user.id, current_user.session_version)}


@user_logged_out.connect
def forget_removed_item_on_sign_out(_app, user, **_extra) -> None:  # noqa: ANN001
    service.forget_removed_item(user.id)


@blueprint.post("/sessions/<int:session_id>/warnings")
def dismiss_warning(session_id: int):
    session = own_session(session_id, "edit")
    key = request.form.get("key", "")
    if request.form.get("action") == "restore":
        service.restore_warning(session, key)
    else:
        service.dismiss_warning(session, key)
    return back_to_agenda(session, anchor="arc")


@blueprint.get("/sessions/<int:session_id>/run")
def run_session(session_id: int):
    """Run mode: everything the facilitator needs is in the page, so it keeps working offline."""
    session = own_session(session_id, "view")
    plan = review(session).timeline
    return render_template("planner/run.html", session=session, plan=plan, steps=run_steps(plan))
