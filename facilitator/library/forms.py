from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .files import AUDIENCES, FORMATS, INTENSITIES, MAX_MINUTES, MAX_SUMMARY, MAX_TITLE, STAGES, THEME_LABELS, THEMES

MINUTES = [InputRequired(message="Enter a number of minutes."), NumberRange(min=1, max=MAX_MINUTES)]
# Form field name -> the section heading it holds in the exercise file.
SECTION_FIELDS = {
    "purpose": "Purpose",
    "steps": "Steps",
    "facilitator_script": "Facilitator script",
    "debrief": "Debrief questions",
    "safety": "Safety notes",
    "variations": "Variations",
    "participant_handout": "Participant handout",
}
# Where a validation problem from the file loader is shown on the form.
PROBLEM_FIELDS = {
    "title": "title", "theme": "theme", "summary": "summary", "minutes": "minutes",
    "minutes.default": "minutes", "minutes.min": "min_minutes", "minutes.max": "max_minutes",
    "format": "format", "group_size": "group_min", "group_size.min": "group_min", "group_size.max": "group_max",
    "intensity": "intensity", "stage": "stage", "source": "source", "licence": "licence",
    "worksheet": "participant_handout", "audience": "audience", "materials": "materials",
    **{f"section '{heading}'": name for name, heading in SECTION_FIELDS.items()},
}  # fmt: skip


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExerciseForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the exercise a title."), Length(max=MAX_TITLE)])
    theme = SelectField("Theme", choices=[SelectChoice(t, THEME_LABELS[t]) for t in THEMES])
    summary = TextAreaField(
        "Summary", validators=[DataRequired(message="Write a one-line summary."), Length(max=MAX_SUMMARY)],
        description="One or two sentences for the library list.",
    )  # fmt: skip
    minutes = IntegerField("Minutes", validators=MINUTES)
    min_minutes = IntegerField("Shortest", validators=MINUTES)
    max_minutes = IntegerField("Longest", validators=MINUTES)
    format = SelectField("Format", choices=[SelectChoice(f, f.replace("-", " ")) for f in FORMATS])
    group_min = IntegerField("Fewest people", validators=[InputRequired(), NumberRange(min=1, max=500)])
    group_max = IntegerField("Most people", validators=[InputRequired(), NumberRange(min=1, max=500)])
    intensity = SelectField("Intensity", choices=[SelectChoice(i) for i in INTENSITIES])
    stage = SelectField("Stage", choices=[SelectChoice(s) for s in STAGES])
    grounding = BooleanField("Usable as grounding straight after an intense moment")
    audience = MultiCheckboxField("Written for", choices=[SelectChoice(a) for a in AUDIENCES], default=list(AUDIENCES))
    materials = StringField("Materials", validators=[Optional(), Length(max=500)], description="Separate with commas.")
    source = StringField("Adapted from", validators=[Optional(), Length(max=400)])
    licence = StringField("Licence or attribution", validators=[Optional(), Length(max=400)])
    worksheet = BooleanField("The participant handout has writing boxes ([[write N]])")
    purpose = TextAreaField("Purpose", validators=[Length(max=5000)])
    steps = TextAreaField(
        "Steps", validators=[Length(max=20000)],
        description="A numbered list; each step starts with a bold title ending in its minutes: 1. **Settle in (3 min).**",
    )  # fmt: skip
    facilitator_script = TextAreaField(
        "Facilitator script", validators=[Length(max=20000)],
        description="The words for the key moments: introducing it, inviting the first share, closing it.",
    )  # fmt: skip
    debrief = TextAreaField("Debrief questions", validators=[Length(max=5000)])
    safety = TextAreaField("Safety notes", validators=[Length(max=10000)])
    variations = TextAreaField("Variations", validators=[Optional(), Length(max=10000)])
    participant_handout = TextAreaField("Participant handout", validators=[Optional(), Length(max=20000)])

    def meta_and_sections(self) -> tuple[dict, dict[str, str]]:
        meta = {
            "title": self.title.data.strip(), "theme": self.theme.data, "summary": self.summary.data.strip(),
            "minutes": {"default": self.minutes.data, "min": self.min_minutes.data, "max": self.max_minutes.data},
            "format": self.format.data, "group_size": {"min": self.group_min.data, "max": self.group_max.data},
            "intensity": self.intensity.data, "stage": self.stage.data, "grounding": self.grounding.data,
            "audience": list(self.audience.data or []),
            "materials": [m.strip() for m in (self.materials.data or "").split(",") if m.strip()],
            "source": (self.source.data or "").strip(), "licence": (self.licence.data or "").strip(),
            "worksheet": self.worksheet.data,
        }  # fmt: skip
        sections = {heading: (getattr(self, name).data or "") for name, heading in SECTION_FIELDS.items()}
        return meta, sections

    def fill_from(self, exercise) -> None:  # noqa: ANN001
        for name in ("title", "theme", "summary", "minutes", "min_minutes", "max_minutes", "format", "group_min",
                     "group_max", "intensity", "stage", "grounding", "source", "licence", "worksheet"):  # fmt: skip
            getattr(self, name).data = getattr(exercise, name)
        self.audience.data = list(exercise.audience)
        self.materials.data = ", ".join(exercise.materials)
        for name, heading in SECTION_FIELDS.items():
            getattr(self, name).data = exercise.sections.get(heading, "")

    def show_problems(self, problems) -> None:  # noqa: ANN001
        """Put each loader problem beside the field it is about (or on the title when unknown)."""
        for problem in problems:
            name = PROBLEM_FIELDS.get(problem.field, "title")
            getattr(self, name).errors = list(getattr(self, name).errors) + [f"{problem.message}"]
