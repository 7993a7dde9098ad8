"""Forms for sessions, agenda items, programmes and plan files; choices from the shipped library."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..library.files import MAX_MINUTES, Library
from .programmes import MAX_WEEKS, ProgrammeDetails
from .service import MAX_NOTE, SessionDetails
from .timing import format_clock, parse_clock

AUDIENCE_CHOICES = [SelectChoice("men", "Men's group"), SelectChoice("couples", "Couples"), SelectChoice("mixed", "Mixed")]
WHOLE_MINUTES = InputRequired(message="Enter a number of minutes.")


def clock_time(form, field) -> None:  # noqa: ANN001
    """A 24-hour HH:MM time; normalised so 9:05 is stored as 09:05."""
    if not field.data:
        return
    try:
        field.data = format_clock(parse_clock(field.data))
    except ValueError:
        raise ValidationError("Write a time like 19:30.") from None


class MinutesField(IntegerField):
    """Whole minutes, with a message a facilitator understands when it is not a number."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number of minutes.") from None


class TimeField(StringField):
    """An HH:MM text field shown as a native time picker."""

    def __call__(self, **kwargs) -> str:  # noqa: ANN003
        kwargs.setdefault("type", "time")
        return super().__call__(**kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _slug_choices(items, empty: str) -> list[SelectChoice]:  # noqa: ANN001
    return [SelectChoice("", empty)] + [SelectChoice(i.slug, i.title) for i in items]


class SessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the session a title."), Length(max=120)])
    theme = StringField("Theme", validators=[Optional(), Length(max=120)], description="One line, e.g. “Naming feelings”.")
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=600)])
    date = DateField("Date", validators=[Optional()])
    start_time = TimeField("Start time", validators=[DataRequired(message="Give a start time like 19:00."), clock_time])
    target_minutes = IntegerField(
        "Target length (minutes)", validators=[InputRequired(message="How long is the session?"), NumberRange(min=5, max=720)]
    )
    audience = SelectField("Audience", choices=AUDIENCE_CHOICES)
    group_size = IntegerField(
        "Expected group size", validators=[Optional(), NumberRange(min=1, max=500)],
        description="Checks that pairs, triads and small groups will fit.",
    )  # fmt: skip
    room_notes = TextAreaField("Room notes", validators=[Optional(), Length(max=5000)], description="Chairs, flipchart, tissues, keys.")
    reflection_opening = SelectField("Opening reflection questions", validate_choice=True)
    reflection_closing = SelectField("Closing reflection questions", validate_choice=True)
    take_home = SelectField("Take-home sheet", validate_choice=True)
    partner_handouts = MultiCheckboxField("Sheets for partners")

    def use_library(self, library: Library) -> SessionForm:
        sets = sorted(library.question_sets.values(), key=lambda q: q.title)
        self.reflection_opening.choices = _slug_choices([q for q in sets if q.when == "opening"], "None")
        self.reflection_closing.choices = _slug_choices([q for q in sets if q.when == "closing"], "None")
        handouts = sorted(library.handouts.values(), key=lambda h: h.title)
        self.take_home.choices = _slug_choices([h for h in handouts if h.kind != "partners"], "None")
        self.partner_handouts.choices = [SelectChoice(h.slug, h.title) for h in handouts if h.kind == "partners"]
        return self

    def fill_from(self, details: SessionDetails) -> None:
        for name in vars(details):
            getattr(self, name).data = getattr(details, name)

    def details(self) -> SessionDetails:
        data = {name: getattr(self, name).data for name in SessionDetails.__dataclass_fields__}
        for name in ("theme", "summary", "room_notes", "reflection_opening", "reflection_closing", "take_home"):
            data[name] = (data[name] or "").strip()
        data["partner_handouts"] = list(data["partner_handouts"] or [])
        return SessionDetails(**data)


class NewPlanForm(FlaskForm):
    """What a new session or programme starts from; `source` is "blank", "shipped:SLUG" or "saved:ID"."""

    source = SelectField("Start from", validate_choice=True)
    title = StringField("Title", validators=[Optional(), Length(max=120)], description="Leave empty to use the template's title.")
    date = DateField("Date of the (first) session", validators=[Optional()])

    def use_sources(self, shipped: list, saved: list, blank_label: str) -> NewPlanForm:  # noqa: ANN001
        self.source.choices = {
            "": [SelectChoice("blank", blank_label)],
            "Shipped templates": [SelectChoice(f"shipped:{t.slug}", t.title) for t in shipped],
            "My templates": [SelectChoice(f"saved:{t.id}", t.title) for t in saved],
        }
        return self


class NewProgrammeForm(NewPlanForm):
    weeks = IntegerField(
        "Weeks (for a blank programme)", default=6, validators=[Optional(), NumberRange(min=1, max=MAX_WEEKS)]
    )


class ItemForm(FlaskForm):
    minutes = MinutesField("Minutes", validators=[WHOLE_MINUTES])
    pin = TimeField("Starts at", validators=[Optional(), clock_time], description="Pin to a clock time; empty follows on.")
    note = TextAreaField("Facilitator note", validators=[Optional(), Length(max=MAX_NOTE)])
    title = StringField("Title", validators=[Optional(), Length(max=120)])


class AddExerciseForm(FlaskForm):
    exercise_id = IntegerField("Exercise", validators=[InputRequired()])
    minutes = MinutesField("Minutes", validators=[Optional()])


class AddToSessionForm(FlaskForm):
    exercise_id = IntegerField("Exercise", validators=[InputRequired()])
    session_id = IntegerField("Session", validators=[InputRequired(message="Choose one of your sessions.")])


class AddBreakForm(FlaskForm):
    minutes = MinutesField("Break minutes", default=10, validators=[WHOLE_MINUTES, NumberRange(min=1, max=MAX_MINUTES)])
    title = StringField("Break title", default="Break", validators=[Optional(), Length(max=120)])


class AddBlockForm(FlaskForm):
    title = StringField("Block title", validators=[DataRequired(message="Name the block."), Length(max=120)])
    minutes = MinutesField("Block minutes", default=10, validators=[WHOLE_MINUTES, NumberRange(min=0, max=MAX_MINUTES)])


class ProgrammeForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the programme a title."), Length(max=120)])
    audience = SelectField("Audience", choices=AUDIENCE_CHOICES)
    group_size = IntegerField("Expected group size", validators=[Optional(), NumberRange(min=1, max=500)])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=600)])
    first_date = DateField(
        "Date the weeks from", validators=[Optional()],
        description="Sets every week's date, one week apart from this date. Leave empty to keep the dates.",
    )  # fmt: skip

    def details(self) -> ProgrammeDetails:
        return ProgrammeDetails(
            title=self.title.data, audience=self.audience.data, group_size=self.group_size.data,
            summary=self.summary.data or "",
        )  # fmt: skip


class SaveTemplateForm(FlaskForm):
    title = StringField("Template name", validators=[DataRequired(message="Name your template."), Length(max=120)])


class ImportForm(FlaskForm):
    file = FileField("Plan file (.yaml)", validators=[FileRequired(message="Choose a .yaml file to import.")])

