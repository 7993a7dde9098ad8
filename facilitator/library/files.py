"""The library's file vocabulary and the frozen dataclasses its files are read into.

No Flask and no parsing here (that is `parse.py`): the allowed themes, formats and question
types, the size limits, and the shapes every other feature reads the shipped library through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "Week 3: What it costs", "week 3 - ...", "Wk 3", "Session 3": a title that names its own week
# (the planner renumbers such titles after a move; print bookmarks do not name the week twice).
WEEK_IN_TITLE = re.compile(r"^(?P<word>\s*(?:week|wk\.?|session)\s+)(?P<number>\d{1,3})\b", re.IGNORECASE)


def week_label(week: int, title: str) -> str:
    """A week's name: a title that already names this week as it is ("Week 2: Finding the words"),
    any other with the week in front ("Arriving" in week 1: "Week 1: Arriving")."""
    named = WEEK_IN_TITLE.match(title)
    return title if named and int(named.group("number")) == week else f"Week {week}: {title}"


THEMES = (
    "masks-and-scripts",
    "vulnerability",
    "emotional-literacy",
    "communication",
    "provider-role",
    "intimacy-beyond-sex",
    "listening",
    "partners-part",
    "conflict-and-repair",
    "openings-and-closings",
)
THEME_LABELS = {
    "masks-and-scripts": "Masks and scripts",
    "vulnerability": "Fear of vulnerability",
    "emotional-literacy": "Emotional literacy",
    "communication": "Communication styles",
    "provider-role": "The provider role",
    "intimacy-beyond-sex": "Intimacy beyond sex",
    "listening": "Listening without fixing",
    "partners-part": "The partner's part",
    "conflict-and-repair": "Conflict, flooding and repair",
    "openings-and-closings": "Openings, grounding and closings",
}
FORMATS = ("solo", "pairs", "triads", "small-group", "whole-group", "couples")
INTENSITIES = ("low", "medium", "high")
STAGES = ("opening", "working", "closing")
AUDIENCES = ("men", "couples", "mixed")
HANDOUT_KINDS = ("partners", "practice", "vocabulary", "info")
QUESTION_TYPES = ("scale5", "scale10", "single", "multi", "feelings", "word", "short", "long")
HOPED_FOR = ("higher", "lower")  # which end of a scale a programme hopes its group moves towards
REQUIRED_SECTIONS = ("Purpose", "Steps", "Facilitator script", "Debrief questions", "Safety notes")
OPTIONAL_SECTIONS = ("Variations", "Participant handout")
SECTION_ORDER = REQUIRED_SECTIONS + OPTIONAL_SECTIONS

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOCK_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
STEP_PATTERN = re.compile(r"^\d+\.\s+\*\*(?P<title>.+?)\((?P<minutes>\d+)\s*min\)\.?\*\*", re.MULTILINE)
WRITE_MARKER = re.compile(r"^\[\[write (\d+)\]\]$", re.MULTILINE)
MAX_TITLE = 80
MAX_SUMMARY = 300
MAX_MINUTES = 240


class LibraryError(Exception):
    """Raised when a library file cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Step:
    title: str
    minutes: int


@dataclass(frozen=True)
class ExerciseFile:
    """One exercise as read from its Markdown file (the database row is `models.Exercise`)."""

    slug: str
    title: str
    theme: str
    summary: str
    minutes: int
    min_minutes: int
    max_minutes: int
    format: str
    group_min: int
    group_max: int
    intensity: str
    stage: str
    grounding: bool
    audience: tuple[str, ...]
    materials: tuple[str, ...]
    source: str
    licence: str
    worksheet: bool
    sections: dict[str, str] = field(hash=False, compare=True)
    steps: tuple[Step, ...] = ()

    @property
    def theme_label(self) -> str:
        return THEME_LABELS.get(self.theme, self.theme)

    @property
    def participant_handout(self) -> str:
        return self.sections.get("Participant handout", "")


@dataclass(frozen=True)
class Handout:
    slug: str
    title: str
    kind: str
    theme: str
    week: int | None
    summary: str
    body: str


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    prompt: str
    low: str = ""
    high: str = ""
    choices: tuple[str, ...] = ()
    hoped_for: str = "higher"  # scales: "lower" when a lower answer is the hoped-for change


@dataclass(frozen=True)
class QuestionSet:
    slug: str
    title: str
    when: str
    intro: str
    questions: tuple[Question, ...]
    # False: the form keeps no link between one person's answers, not even an unnamed label in
    # the export (for sets that promise "only the group's answers added together").
    link_answers: bool = True


@dataclass(frozen=True)
class TemplateItem:
    """One line of an agenda: exactly one of exercise, break or block is set."""

    kind: str  # "exercise" | "break" | "block"
    exercise: str = ""
    title: str = ""
    minutes: int | None = None
    note: str = ""
    pin: str = ""


@dataclass(frozen=True)
class AcceptedWarning:
    rule: str
    why: str


@dataclass(frozen=True)
class SessionSpec:
    title: str
    theme: str
    target_minutes: int
    start_time: str
    items: tuple[TemplateItem, ...]
    group_size: int | None = None
    audience: str = ""
    summary: str = ""
    reflection_opening: str = ""
    reflection_closing: str = ""
    take_home: str = ""
    partner_handouts: tuple[str, ...] = ()
    accepted_warnings: tuple[AcceptedWarning, ...] = ()


@dataclass(frozen=True)
class Template:
    slug: str
    title: str
    kind: str  # "session" | "programme"
    audience: str
    summary: str
    group_size: int | None
    sessions: tuple[SessionSpec, ...]  # one for a session template, one a week for a programme


@dataclass(frozen=True)
class Library:
    exercises: dict[str, ExerciseFile]
    handouts: dict[str, Handout]
    question_sets: dict[str, QuestionSet]
    templates: dict[str, Template]

    def feelings(self) -> dict[str, tuple[str, ...]]:
        """Core feelings and their finer words, read from the vocabulary sheet."""
        sheet = next((h for h in self.handouts.values() if h.kind == "vocabulary"), None)
        from .parse import parse_feelings  # parsing needs these classes; import it late

        return parse_feelings(sheet.body) if sheet else {}
