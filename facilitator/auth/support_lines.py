"""The admin's page for the practice's support and crisis lines: start from a country preset, edit, check, remove.

Participants see these lines after answering a reflection form and on the last page of every
handout (facilitator/support.py); a line nobody has checked for 12 months is flagged here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import support
from ..clock import today
from ..support_presets import COUNTRY_CHOICES, PRESETS
from .admin import blueprint


class SupportLineForm(FlaskForm):
    line_id = HiddenField()
    name = StringField("Name", validators=[DataRequired(message="Give the line a name participants will recognise."), Length(max=120)])
    contact = StringField(
        "How to reach them", validators=[DataRequired(message="Say how to reach them."), Length(max=300)],
        description="A number with its hours, a text code, an address.",
    )  # fmt: skip
    purpose = TextAreaField("What for", validators=[Optional(), Length(max=400)], description="In the participant's words.")
    checked = DateField("Last checked", validators=[DataRequired(message="Enter the day someone last checked the line works.")])
    source = StringField("Where you checked it", validators=[Optional(), Length(max=300)], description="The web page or leaflet.")


class PresetForm(FlaskForm):
    country = SelectField("Country", choices=[SelectChoice(code, label) for code, label in COUNTRY_CHOICES])
    replace = BooleanField("Replace the lines below with this country's preset")


def _page(new_form: SupportLineForm | None = None, failed: SupportLineForm | None = None, preset: PresetForm | None = None, status: int = 200):  # noqa: E501
    lines = support.practice_lines()
    forms = {}
    for line in lines:
        if failed is not None and failed.line_id.data == str(line.id):
            forms[line.id] = failed
        else:
            forms[line.id] = SupportLineForm(formdata=None, obj=line, prefix=f"line-{line.id}", line_id=str(line.id))
    stale = {line.id for line in support.stale_lines(today())}
    return render_template(
        "auth/support_lines.html", lines=lines, forms=forms, stale=stale,
        new_form=new_form or SupportLineForm(formdata=None, prefix="new", checked=today()),
        preset=preset or PresetForm(formdata=None), presets=PRESETS,
        fallback=support.configured_resources_or_defaults(), uses_default=support.uses_default_support(),
    ), status  # fmt: skip


@blueprint.get("/support-lines")
def support_lines():
    return _page()


@blueprint.post("/support-lines/preset")
def support_preset():
    form = PresetForm()
    if not form.validate_on_submit():
        return _page(preset=form, status=422)
    if support.practice_lines() and not form.replace.data:
        form.replace.errors = ["Tick this to replace the lines you have; nothing was changed."]
        return _page(preset=form, status=422)
    support.apply_preset(form.country.data)
    flash(f"The {PRESETS[form.country.data].label} lines are in place. Check each one, then press “Checked today”.", "success")
    return redirect(url_for("admin.support_lines"))


@blueprint.post("/support-lines/save")
def save_support_line():
    line_id = request.form.get("line_id", type=int)
    prefix = f"line-{line_id}" if line_id else "new"
    form = SupportLineForm(prefix=prefix)
    form.line_id.data = str(line_id) if line_id else ""
    if form.validate_on_submit():
        fields = support.LineFields(
            form.name.data, form.contact.data, form.purpose.data or "", form.checked.data, form.source.data or ""
        )
        try:
            line = support.save_line(fields, line_id)
        except LookupError:
            abort(404)
        except support.SupportLineError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(f"“{line.name}” is saved.", "success")
            return redirect(url_for("admin.support_lines", _anchor=f"line-{line.id}"))
    if line_id:
        return _page(failed=form, status=422)
    return _page(new_form=form, status=422)


@blueprint.post("/support-lines/checked")
def support_line_checked():
    try:
        line = support.mark_checked(request.form.get("line_id", type=int) or 0, today())
    except LookupError:
        abort(404)
    flash(f"“{line.name}” is marked as checked today.", "success")
    return redirect(url_for("admin.support_lines", _anchor=f"line-{line.id}"))


@blueprint.post("/support-lines/remove")
def remove_support_line():
    try:
        line = support.remove_line(request.form.get("line_id", type=int) or 0)
    except LookupError:
        abort(404)
    flash(f"“{line.name}” is removed from the list.", "info")
    return redirect(url_for("admin.support_lines"))
