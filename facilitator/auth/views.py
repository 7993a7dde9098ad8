"""Sign in and out, the one-time setup, and the facilitator's own account page."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import support
from ..extensions import db
from ..redirects import same_site_path
from . import service, throttle
from .forms import LoginForm, PasswordChangeForm, ProfileForm, SetupForm

blueprint = Blueprint("auth", __name__)


@blueprint.route("/setup", methods=["GET", "POST"])
def setup():
    if service.any_user_exists():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = service.create_first_user(
                form.username.data, form.password.data, display_name=form.display_name.data or "",
                practice_name=form.practice_name.data or "", paper_size=form.paper_size.data,
            )  # fmt: skip
        except service.AccountError as error:
            getattr(form, error.field, form.username).errors.append(str(error))
        else:
            if form.support_country.data:
                support.apply_preset(form.support_country.data)
            login_user(user)
            flash("Your account is ready. Welcome.", "success")
            return redirect(url_for("home"))
    return render_template("auth/setup.html", form=form), 422 if form.errors else 200


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.admit(form.username.data, get_remote_address())
        if attempt.refusal:
            form.password.errors.append(attempt.refusal)
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(attempt.retry_after)}
        user = service.authenticate(form.username.data, form.password.data)
        if user is not None:
            throttle.succeeded(attempt)
            login_user(user, remember=form.remember.data)
            return redirect(same_site_path(request.args.get("next"), url_for("home")))
        # Counted by the tests that play a burst of guesses; the access log has the address.
        current_app.logger.warning("Sign-in failed: the password was checked and did not match.")
        form.password.errors.append("That username and password do not match an active account.")
    return render_template("auth/login.html", form=form), 401 if form.errors and request.method == "POST" else 200


@blueprint.post("/logout")
@login_required
def logout():
    # The version is part of every copy of the sign-in cookie: bumping it ends them all, here and
    # on any other browser, even one a cookie was copied to. A signed cookie alone cannot be revoked.
    service.end_every_sign_in(current_user)
    logout_user()
    flash("You are signed out, here and on any other browser signed in as you.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account():
    profile = ProfileForm(obj=current_user, prefix="profile")
    password = PasswordChangeForm(prefix="password")
    if request.method == "POST" and "profile-paper_size" in request.form and profile.validate():
        current_user.display_name = profile.display_name.data or ""
        current_user.practice_name = profile.practice_name.data or ""
        current_user.paper_size = profile.paper_size.data
        db.session.commit()
        flash("Your details are saved.", "success")
        return redirect(url_for("auth.account"))
    if request.method == "POST" and "password-new_password" in request.form and password.validate():
        try:
            service.change_password(current_user, password.current_password.data, password.new_password.data)
        except service.AccountError as error:
            getattr(password, error.field).errors.append(str(error))
        else:
            login_user(current_user)  # a fresh cookie with the new session version
            flash("Your password is changed. Other browsers signed in as you are signed out.", "success")
            return redirect(url_for("auth.account"))
    status = 422 if profile.errors or password.errors else 200
    return render_template("auth/account.html", profile=profile, password=password), status
