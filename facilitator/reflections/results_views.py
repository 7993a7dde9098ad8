"""Results, the results PDF and CSV, the live wall with its moderation, the poster, and trends."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..library import shipped
from ..printing import documents, qr
from ..access import access_or_404
from ..planner.models import Programme
from ..clock import utcnow
from . import charts, export, moderation, results, trends
from .addresses import participant_url
from .blueprint import blueprint, own_form, own_question
from .models import ReflectionForm

WALL_TEXTS = 12


@blueprint.app_template_global("reflection_chart")
def reflection_chart(question: results.QuestionResult) -> Markup:
    """The chart that suits a question's kind, for the results page, the wall and the PDF alike."""
    if not question.shown:
        return Markup("")
    if question.type in ("scale5", "scale10"):
        return charts.column_chart(question.bars, question.low, question.high, question.prompt)
    if question.type in ("single", "multi", "feelings"):
        return charts.bar_chart(question.bars, question.prompt)
    if question.type == "word":
        return charts.word_cloud(question.words, question.prompt)
    return Markup("")


@blueprint.app_template_global("reflection_word_cloud")
def reflection_word_cloud(question: results.QuestionResult) -> Markup:
    return charts.word_cloud(question.words, question.prompt) if question.shown else Markup("")


@blueprint.app_template_global("reflection_trend_chart")
def reflection_trend_chart(trend: trends.Trend) -> Markup:
    points = [(point.label, point.value) for point in trend.points]
    return charts.trend_chart(points, trend.low, trend.high, f"{trend.prompt} ({trend.measure})")


@blueprint.app_template_global("reflection_start_end_chart")
def reflection_start_end_chart(compared: trends.StartEnd) -> Markup:
    if compared.start is None or compared.end is None:
        return Markup("")
    labels = [str(point) for point in compared.scale]
    names = (compared.start.label, compared.end.label)
    return charts.paired_column_chart(
        labels, compared.start.counts, compared.end.counts, names, compared.low, compared.high, compared.prompt
    )


def _released_results(reflection: ReflectionForm, **options) -> results.FormResults:  # noqa: ANN003
    # Read only: answers are released by the submit that completes a group and at close (releases.py).
    return results.form_results(reflection, results.min_answers(), now=utcnow(), **options)


@blueprint.get("/<int:form_id>/results")
def results_page(form_id: int):
    reflection = own_form(form_id, "edit")
    found = _released_results(reflection)
    return render_template("reflections/results.html", reflection=reflection, results=found)


@blueprint.get("/<int:form_id>/results/<int:question_id>")
def question_answers(form_id: int, question_id: int):
    reflection = own_form(form_id, "edit")
    question = own_question(reflection, question_id)
    if question.type not in ("short", "long"):
        abort(404)
    k = results.min_answers()
    page = max(1, request.args.get("page", 1, type=int))
    texts, total = results.all_texts(question, k, page)
    return render_template(
        "reflections/answers.html", reflection=reflection, question=question, texts=texts, total=total, page=page,
        per_page=100, k=k,
    )  # fmt: skip


def _download(data: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/<int:form_id>/results.pdf")
def results_pdf(form_id: int):
    reflection = own_form(form_id, "edit")
    found = _released_results(reflection, text_limit=300)
    pdf = documents.results_pdf(found, reflection.title, documents.request_print_options(current_user))
    return _download(pdf, "application/pdf", f"results-{reflection.code}.pdf")


@blueprint.get("/<int:form_id>/results.csv")
def results_csv(form_id: int):
    reflection = own_form(form_id, "edit")
    k = results.min_answers()
    return _download(export.csv_text(reflection, k), "text/csv; charset=utf-8", f"answers-{reflection.code}.csv")


@blueprint.get("/<int:form_id>/poster.pdf")
def poster(form_id: int):
    reflection = own_form(form_id, "edit")
    variant = request.args.get("variant", "poster")
    if variant not in documents.POSTER_VARIANTS:
        abort(400)
    session_title = reflection.session.title if reflection.session else reflection.title
    options = documents.request_print_options(current_user)
    pdf = documents.poster_pdf(participant_url(reflection.code), reflection.code, session_title, options, variant)
    return _download(pdf, "application/pdf", f"{variant}-{reflection.code}.pdf")


# --- the live wall ---------------------------------------------------------------------------------


@blueprint.get("/<int:form_id>/wall")
def wall(form_id: int):
    """The projector view. wall.js refreshes the panels; without JavaScript a meta refresh does."""
    reflection = own_form(form_id, "edit")
    url = participant_url(reflection.code)
    found = _released_results(reflection, text_limit=WALL_TEXTS, wall=True)
    return render_template("reflections/wall.html", reflection=reflection, results=found, url=url, qr=qr.qr_svg(url))


@blueprint.get("/<int:form_id>/wall/panels")
def wall_panels(form_id: int):
    found = _released_results(own_form(form_id, "edit"), text_limit=WALL_TEXTS, wall=True)
    return render_template("reflections/_wall_panels.html", results=found)


@blueprint.route("/<int:form_id>/moderate", methods=["GET", "POST"])
def moderate(form_id: int):
    reflection = own_form(form_id, "edit")
    if request.method == "POST":
        reviewed = request.form.getlist("reviewed")[:5000]
        approved = request.form.getlist("approved")
        if request.form.get("action") == "approve-all":
            approved = reviewed
        moderation.set_approved(reflection, reviewed, approved)
        flash("The wall now shows the answers you ticked.", "success")
        return redirect(url_for("reflections.moderate", form_id=form_id))
    k = results.min_answers()
    return render_template(
        "reflections/moderate.html", reflection=reflection, queue=moderation.moderation_queue(reflection, k), k=k
    )


# --- across a programme ---------------------------------------------------------------------------


@blueprint.get("/programmes/<int:programme_id>/trends")
def programme_trends(programme_id: int):
    programme = access_or_404(Programme, programme_id, current_user.id, "edit")  # results: owner and co-facilitators
    k = results.min_answers()
    found = trends.programme_trends(programme, k)
    forms = trends.programme_forms(programme)
    start_end = trends.start_and_end(programme, k, shipped.library().question_sets)
    return render_template(
        "reflections/trends.html", programme=programme, trends=found, start_end=start_end, forms=forms, k=k
    )
