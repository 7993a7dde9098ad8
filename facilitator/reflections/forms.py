"""Facilitator-side forms. The participant's form is built from the questions, not from WTForms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..library.files import QUESTION_TYPES
from .models import QUESTION_TYPE_LABELS, TEXT_TYPES
from .service import MAX_CHOICES, QuestionFields


def optional_id(value: object) -> int | None:
    """A select's value as a row id, or None for the empty "no session" choice."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1  # matches no choice, so the field reports "Not a valid choice"


class NewReflectionForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired(message="Give the form a title."), Length(max=120)],
        description="Participants see it at the top of their phone screen.",
    )  # fmt: skip
    session_id = SelectField("Session", coerce=optional_id, validators=[Optional()])
    question_set = SelectField(
        "Questions", description="Start from a question set from the library, or write your own. You can change either."
    )

    def offer(self, sessions, question_sets) -> None:  # noqa: ANN001
        self.session_id.choices = session_choices(sessions)
        self.question_set.choices = [SelectChoice("", "Write my own questions")] + [
            SelectChoice(s.slug, f"{s.title} ({s.when})") for s in question_sets
        ]


def session_choices(sessions) -> list[SelectChoice]:  # noqa: ANN001
    choices = [SelectChoice("", "Not linked to a session")]
    for session in sessions:
        when = f" · {session.date.strftime('%-d %b %Y')}" if session.date else ""
        choices.append(SelectChoice(str(session.id), f"{session.title}{when}"))
    return choices


class FormSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the form a title."), Length(max=120)])
    intro = TextAreaField(
        "Words before the questions", validators=[Optional(), Length(max=1000)],
        description="Shown after the note on anonymity. One or two sentences are plenty.",
    )  # fmt: skip
    session_id = SelectField("Session", coerce=optional_id, validators=[Optional()])


class ScheduleForm(FlaskForm):
    opens_at = DateTimeLocalField("Opens at", validators=[Optional()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    closes_at = DateTimeLocalField(
        "Closes at", validators=[Optional()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description="Leave empty to close it by hand.",
    )  # fmt: skip

    def validate_closes_at(self, field) -> None:  # noqa: ANN001
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The closing time must come after the opening time.")


class QuestionForm(FlaskForm):
    type = SelectField("Kind of question", choices=[SelectChoice(t, QUESTION_TYPE_LABELS[t]) for t in QUESTION_TYPES])
    prompt = TextAreaField(
        "Question", validators=[DataRequired(message="Write the question."), Length(max=300)],
        description="As you would say it to the group. Every question can be skipped.",
    )  # fmt: skip
    low = StringField("Label for the low end", validators=[Optional(), Length(max=60)], description="e.g. “Not at all”")
    high = StringField("Label for the high end", validators=[Optional(), Length(max=60)], description="e.g. “Completely”")
    choices = TextAreaField(
        "Choices", validators=[Optional(), Length(max=2000)],
        description=f"For one or several choices: one per line, {MAX_CHOICES} at most.",
    )  # fmt: skip
    key = StringField(
        "Name for comparing across weeks", validators=[Optional(), Length(max=60)],
        description="Give the same question the same name in each week's form to see its answers week by week.",
    )  # fmt: skip
    linking = SelectField(
        "Linking",
        choices=[
            SelectChoice("auto", "Usual: typed answers unlinked, scales and choices linked"),
            SelectChoice("unlinked", "Unlinked: nothing ties this answer to the same person’s other answers"),
            SelectChoice("linked", "Linked: the export shows it beside the same person’s other linked answers"),
        ],
        default="auto",
    )

    def fields(self) -> QuestionFields:
        lines = [line.strip() for line in (self.choices.data or "").splitlines()]
        return QuestionFields(
            type=self.type.data, prompt=self.prompt.data or "", low=self.low.data or "", high=self.high.data or "",
            choices=tuple(line[:100] for line in lines if line), key=(self.key.data or "").strip(),
            linked=self.linking.data == "linked" or (self.linking.data == "auto" and self.type.data not in TEXT_TYPES),
        )  # fmt: skip

    def fill_from(self, question) -> None:  # noqa: ANN001
        for name in ("type", "prompt", "low", "high", "key"):
            getattr(self, name).data = getattr(question, name)
        self.choices.data = "\n".join(question.choices)
        self.linking.data = "linked" if question.linked else "unlinked"
