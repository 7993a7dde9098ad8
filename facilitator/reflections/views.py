"""Facilitator pages for reflection forms: list, make, edit questions, open and close, delete.

Results, export, the wall, the poster and trends are in results_views.py, on the same blueprint.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..library import shipped
from ..printing import qr
from ..clock import utcnow
from ..redirects import same_site_path
from . import participant_views, form_cache, results, service
from .blueprint import (
    blueprint, own_form, own_question, own_session_or_none, own_sessions,
)  # fmt: skip
from .addresses import participant_url, reachability
from .forms import FormSettingsForm, NewReflectionForm, QuestionForm, ScheduleForm, session_choices
from .models import ReflectionForm


@blueprint.app_template_filter("local_time")
def local_time(moment) -> str:  # noqa: ANN001
    local = service.utc_to_local(moment)
    return local.strftime("%-d %b %Y, %H:%M") if local else ""


@blueprint.get("/", endpoint="forms")
def forms_list():
    forms = service.forms_of(current_user.id)
    counts = service.response_counts([f.id for f in forms])
    return render_template("reflections/index.html", forms=forms, counts=counts, now=utcnow(), k=results.min_answers())


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    form = NewReflectionForm()
    sets = shipped.library().question_sets
    form.offer(own_sessions(), sets.values())
    if request.method == "GET":
        form.session_id.data = request.args.get("session_id", type=int)
        form.question_set.data = request.args.get("question_set", "")
        session = own_session_or_none(form.session_id.data) if form.session_id.data else None
        chosen = sets.get(form.question_set.data)
        form.title.data = chosen.title if chosen else (f"Reflection: {session.title}" if session else "")
    elif form.validate_on_submit():
        session = own_session_or_none(form.session_id.data)
        reflection = service.create_form(
            current_user.id, form.title.data, session.id if session else None, sets.get(form.question_set.data),
            feelings=shipped.library().feelings(),
        )
        flash("Your form is ready. Check the questions, then open it when the group is ready.", "success")
        return redirect(url_for("reflections.show", form_id=reflection.id))
    return render_template("reflections/new.html", form=form), 422 if form.errors else 200


def _show(reflection: ReflectionForm, settings=None, schedule=None, status: int = 200):  # noqa: ANN001
    if settings is None:
        settings = FormSettingsForm(obj=reflection, formdata=None)
    settings.session_id.choices = session_choices(own_sessions())
    if schedule is None:
        schedule = ScheduleForm(formdata=None)
        schedule.opens_at.data = service.utc_to_local(reflection.opens_at)
        schedule.closes_at.data = service.utc_to_local(reflection.closes_at)
    url = participant_url(reflection.code)
    count = service.response_counts([reflection.id]).get(reflection.id, 0)
    return render_template(
        "reflections/show.html", reflection=reflection, settings=settings, schedule=schedule, url=url,
        qr=qr.qr_svg(url), reach=reachability(url), count=count, now=utcnow(),
    ), status  # fmt: skip


@blueprint.get("/<int:form_id>")
def show(form_id: int):
    return _show(own_form(form_id, "edit"))


@blueprint.get("/<int:form_id>/preview")
def preview(form_id: int):
    return participant_views.form_page(form_cache.form_spec(own_form(form_id, "edit")), token="", preview=True)


@blueprint.post("/<int:form_id>/settings")
def settings(form_id: int):
    reflection = own_form(form_id, "edit")
    form = FormSettingsForm()
    form.session_id.choices = session_choices(own_sessions())
    if not form.validate_on_submit():
        return _show(reflection, settings=form, status=422)
    session = own_session_or_none(form.session_id.data)
    service.update_form(reflection, form.title.data, form.intro.data or "", session.id if session else None)
    flash("Saved.", "success")
    return redirect(url_for("reflections.show", form_id=form_id))


@blueprint.post("/<int:form_id>/schedule")
def schedule(form_id: int):
    reflection = own_form(form_id, "edit")
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _show(reflection, schedule=form, status=422)
    service.schedule(reflection, service.local_to_utc(form.opens_at.data), service.local_to_utc(form.closes_at.data))
    flash("The schedule is saved.", "success")
    return redirect(url_for("reflections.show", form_id=form_id))


def _back_to(form_id: int) -> str:
    """Where a button on another page (the session page) asked to return to; only paths on this site."""
    return same_site_path(request.form.get("next"), url_for("reflections.show", form_id=form_id))


@blueprint.post("/<int:form_id>/open")
def open_form(form_id: int):
    service.open_now(own_form(form_id, "edit"), utcnow())
    flash("The form is open: participants can answer now.", "success")
    return redirect(_back_to(form_id))


@blueprint.post("/<int:form_id>/close")
def close_form(form_id: int):
    service.close_now(own_form(form_id, "edit"), utcnow())
    flash("The form is closed. Participants who open it now see a kind note that it has closed.", "info")
    return redirect(_back_to(form_id))


# --- questions ----------------------------------------------------------------------------------


@blueprint.route("/<int:form_id>/questions/new", methods=["GET", "POST"])
def new_question(form_id: int):
    return _question_page(own_form(form_id, "edit"), None)


@blueprint.route("/<int:form_id>/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(form_id: int, question_id: int):
    reflection = own_form(form_id, "edit")
    return _question_page(reflection, own_question(reflection, question_id))


def _question_page(reflection, question):  # noqa: ANN001
    """Add a question (question is None) or edit one; a problem is shown beside its field."""
    form = QuestionForm()
    if request.method == "GET" and question is not None:
        form.fill_from(question)
    elif form.validate_on_submit():
        try:
            if question is None:
                service.add_question(reflection, form.fields(), shipped.library().feelings())
            else:
                service.update_question(question, form.fields(), shipped.library().feelings())
        except service.QuestionError as problem:
            getattr(form, problem.field).errors.append(str(problem))
        else:
            flash("Question added." if question is None else "Question saved.", "success")
            return redirect(url_for("reflections.show", form_id=reflection.id) + "#questions")
    answered = question is not None and service.has_answers(question)
    return render_template(
        "reflections/question.html", reflection=reflection, form=form, question=question, answered=answered
    ), 422 if form.errors else 200


@blueprint.post("/<int:form_id>/questions/<int:question_id>/move")
def move_question(form_id: int, question_id: int):
    question = own_question(own_form(form_id, "edit"), question_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    service.move_question(question, step)
    return redirect(url_for("reflections.show", form_id=form_id) + "#questions")


def _confirm(reflection: ReflectionForm, heading: str, message: str, button: str):
    """The page that asks before something is deleted; its button posts back to the same address."""
    return render_template(
        "reflections/confirm.html", reflection=reflection, heading=heading, message=message, button=button,
        cancel=url_for("reflections.show", form_id=reflection.id),
    )  # fmt: skip


@blueprint.route("/<int:form_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
def remove_question(form_id: int, question_id: int):
    reflection = own_form(form_id, "edit")
    question = own_question(reflection, question_id)
    if request.method == "POST":
        service.remove_question(question)
        flash("Question removed, with any answers to it.", "info")
        return redirect(url_for("reflections.show", form_id=form_id) + "#questions")
    answered = ", together with every answer already given to it." if service.has_answers(question) else "."
    return _confirm(reflection, "Remove this question?", f"“{question.prompt}” will be removed from the form{answered}",
                    "Remove the question")  # fmt: skip


# --- deleting -------------------------------------------------------------------------------------


@blueprint.route("/<int:form_id>/delete-answers", methods=["GET", "POST"])
def delete_answers(form_id: int):
    reflection = own_form(form_id, "own")
    if request.method == "POST":
        count = service.delete_responses(reflection)
        flash(f"Deleted all answers ({count} responses). The form and its questions are still here.", "info")
        return redirect(url_for("reflections.show", form_id=form_id))
    count = service.response_counts([reflection.id]).get(reflection.id, 0)
    message = (f"All {count} responses to “{reflection.title}” will be deleted for good, with their results. "
               "The form, its questions and its code stay, so it can be used again.")  # fmt: skip
    return _confirm(reflection, "Delete all answers to this form?", message, "Delete all answers")


@blueprint.route("/<int:form_id>/delete", methods=["GET", "POST"])
def delete(form_id: int):
    reflection = own_form(form_id, "own")
    if request.method == "POST":
        title = reflection.title
        service.delete_form(reflection)
        flash(f"“{title}” and all its answers are deleted.", "info")
        return redirect(url_for("reflections.forms"))
    count = service.response_counts([reflection.id]).get(reflection.id, 0)
    message = f"“{reflection.title}”, its questions and all {count} responses will be deleted for good. Its code will stop working."
    return _confirm(reflection, "Delete this form?", message, "Delete the form and its answers")


from . import results_views  # noqa: E402,F401  (adds the results, wall and export routes)
