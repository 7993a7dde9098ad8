from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..support_presets import COUNTRY_CHOICES
from .service import MIN_PASSWORD_LENGTH

PAPER_SIZES = [SelectChoice("A4", "A4"), SelectChoice("Letter", "US Letter")]
PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH, max=200, message=f"Use a password of at least {MIN_PASSWORD_LENGTH} characters (at most 200)."
)
# Said before anyone types, so the rule is never first met as a rejection.
USERNAME_HINT = "Letters, digits, dots (.), hyphens (-), underscores (_) or @; no spaces. Under 64 characters."
USERNAME_RULES = [
    DataRequired(message="Choose a username."),
    Length(max=64, message="Keep the username under 64 characters."),
    Regexp(r"^[A-Za-z0-9._@-]+$", message="Use letters, digits, dots, hyphens, underscores or @ only."),
]


class AccountForm(FlaskForm):
    """The fields every new account has, for the first-run setup and for an admin adding a colleague."""

    username = StringField("Username", validators=USERNAME_RULES, description=USERNAME_HINT)
    display_name = StringField("Your name", validators=[Optional(), Length(max=120)])
    practice_name = StringField(
        "Practice name", validators=[Optional(), Length(max=120)], description="Printed as the author of handouts."
    )


class SetupForm(AccountForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Choose a password."), PASSWORD_LENGTH],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence is easy to remember.",
    )
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]
    )
    paper_size = SelectField("Paper size", choices=PAPER_SIZES, default="A4")
    support_country = SelectField(
        "Support lines for participants",
        choices=[SelectChoice("", "Not now: the general list"), *(SelectChoice(code, label) for code, label in COUNTRY_CHOICES)],
        default="", description="National crisis and support lines to start from; check and edit them under Facilitators, Support lines.",
    )  # fmt: skip


class AddFacilitatorForm(AccountForm):
    display_name = StringField("Name", validators=[Optional(), Length(max=120)])
    password = PasswordField(
        "First password",
        validators=[DataRequired(message="Choose a first password."), PASSWORD_LENGTH],
        description="Tell it to them in person; they can change it on their account page.",
    )
    is_admin = BooleanField("May add and disable facilitators")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(message="Enter your username."), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."), Length(max=200)])
    remember = BooleanField("Keep me signed in on this computer")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), PASSWORD_LENGTH]
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")]
    )


class ProfileForm(FlaskForm):
    display_name = StringField("Your name", validators=[Optional(), Length(max=120)])
    practice_name = StringField(
        "Practice name", validators=[Optional(), Length(max=120)], description="Printed as the author of handouts."
    )
    paper_size = SelectField("Paper size", choices=PAPER_SIZES)
