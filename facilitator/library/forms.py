from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .parse import parse_steps
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
SECTION_PROBLEMS = {f"section '{heading}'" for heading in SECTION_FIELDS.values()}


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
    group_min = IntegerField("Fewest people", validators=[InputRequired(message="Enter a number of people."), NumberRange(min=1, max=500)])
    group_max = IntegerField("Most people", validators=[InputRequired(message="Enter a number of people."), NumberRange(min=1, max=500)])
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
    scale_steps = BooleanField(
        "Scale the step minutes to fit", description="Shortens or lengthens every step in proportion, so they add up to the minutes above.",
    )  # fmt: skip

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
        """Put each loader problem beside the field it is about (or on the title when unknown), in plain words."""
        for problem in problems:
            name = PROBLEM_FIELDS.get(problem.field, "title")
            getattr(self, name).errors = list(getattr(self, name).errors) + [self.plain_problem(problem)]

    def plain_problem(self, problem) -> str:  # noqa: ANN001
        """The file checker's message (written for library authors, with field names) in a therapist's words."""
        message = problem.message
        if problem.field == "section 'Steps'" and "add up to" in message:
            return steps_advice(self.steps.data or "", self.minutes.data)
        if problem.field == "section 'Steps'" and message.startswith("has no steps"):
            return "Write each step on its own numbered line, starting with a bold title that ends in its minutes, like: 1. **Settle in (3 min).**"
        if problem.field.startswith("section '") and message == "is missing or empty":
            return f"Write something under “{problem.field[9:-1]}”; every exercise needs it."
        if problem.field == "minutes" and "min <= default <= max" in message:
            return (f"The minutes ({self.minutes.data}) must lie between the shortest ({self.min_minutes.data}) "
                    f"and the longest ({self.max_minutes.data}).")  # fmt: skip
        if problem.field == "group_size" and "is larger than max" in message:
            return f"Fewest people ({self.group_min.data}) is more than most people ({self.group_max.data})."
        if problem.field == "licence":
            return "You named where it is adapted from; say what its terms are (for example “used with permission”)."
        if problem.field == "worksheet":
            return "You ticked writing boxes: put a line [[write 4]] in the participant handout where a box goes, or untick it."
        if problem.field == "section 'Participant handout'" and "worksheet is true" in message:
            return "You ticked writing boxes, but the participant handout is empty."
        label = getattr(getattr(self, PROBLEM_FIELDS.get(problem.field, ""), None), "label", None)
        return f"{label.text} {message}" if label and problem.field not in SECTION_PROBLEMS else message


def steps_advice(steps_markdown: str, minutes: int | None) -> str:
    """Why the steps do not fit the minutes, and which steps to change, in plain words."""
    steps = parse_steps(steps_markdown)
    total = sum(step.minutes for step in steps)
    longest = sorted(steps, key=lambda step: step.minutes, reverse=True)[:2]
    named = " and ".join(f"“{step.title.rstrip(' .')}” ({step.minutes} min)" for step in longest)
    if minutes is not None and total > minutes:
        change = f"take {total - minutes} minutes off the steps (the longest are {named})"
    else:
        change = f"add {(minutes or 0) - total} minutes to the steps (perhaps to {named})"
    return (f"The steps add up to {total} minutes, but the exercise lasts {minutes}: {change}, "
            f"or tick “Scale the step minutes to fit” and save again.")  # fmt: skip
