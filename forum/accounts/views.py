"""Login, logout, invitations, password reset, the profile, and the admins' account pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.access import ADMIN, PUBLIC, SIGNED_IN, access
from forum.accounts import services, tokens
from forum.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    RolesForm,
    SetPasswordForm,
)
from forum.accounts.models import Account, TokenPurpose
from forum.accounts.services import AccountError
from forum.db import db
from forum.extensions import limiter, login_manager
from forum.public.views import safe_next
from forum.roster.models import Person, Region

bp = Blueprint("accounts", __name__)

# What a visitor brought before logging in and keeps after it: an answer typed when their
# session had run out (forum/surveys/views.py).
KEPT_ACROSS_LOGIN = ("kept_answers",)


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    account_id, _, version = user_id.partition(".")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = db.session.scalar(
        select(Account).where(Account.id == int(account_id)).options(joinedload(Account.person))
    )
    if account is None or not account.is_active or account.session_version != int(version):
        return None
    return account


def _login_key() -> str:
    # Failed attempts are counted per address typed, whether or not an account has it.
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=_login_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_CLIENT"], methods=["POST"], deduct_when=_failed
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        account = services.authenticate(db.session, form.email.data, form.password.data)
        if account is None:
            db.session.commit()  # the failed attempt stays in the audit log
            form.add_error("password", gettext("The e-mail address or the password is wrong."))
        else:
            db.session.commit()
            language = account.language
            kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
            session.clear()  # a new session for a new identity
            login_user(account, remember=form.remember.data)
            session["lang"] = language
            session.update(kept)
            if not form.next.data and (account.is_secretariat or account.is_admin):
                return redirect(url_for("dashboard.index"))
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@access(PUBLIC)
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        language = session.get("lang")
        session.clear()
        # After clearing: logout_user marks the remember-me cookie for deletion in the session.
        logout_user()
        if language:
            session["lang"] = language
        flash(gettext("You are logged out."), "success")
    return redirect(url_for("public.index"))


def _set_password_page(raw: str, purpose: TokenPurpose, template: str):
    token = tokens.find(db.session, raw, purpose)
    if token is None:
        return render_template("accounts/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            account = services.accept_token(db.session, raw, purpose, form.password.data)
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            session.clear()
            login_user(account)
            session["lang"] = account.language
            flash(gettext("Your password is saved and you are logged in."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(template, form=form, account=token.account)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def accept_invitation(token: str):
    return _set_password_page(token, TokenPurpose.INVITATION, "accounts/accept_invitation.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def reset_password(token: str):
    return _set_password_page(token, TokenPurpose.PASSWORD_RESET, "accounts/reset_password.html")


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_CLIENT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(db.session, form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(
            gettext(
                "If %(email)s has an account, a link to choose a new password is on its way.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@access(SIGNED_IN)
def profile():
    account: Account = current_user  # type: ignore[assignment]
    person = account.person
    form = ProfileForm(
        obj=None,
        data={
            "email": person.email or "",
            "phone": person.phone,
            "title": person.title,
            "language": account.language,
            "notify_by_email": account.notify_by_email,
            "material_digest": account.material_digest,
        }
        if request.method == "GET"
        else None,
    )
    if form.validate_on_submit():
        try:
            services.update_profile(
                db.session,
                account,
                email=form.email.data or "",
                phone=form.phone.data or "",
                title=form.title.data or "",
                language=form.language.data,
                notify_by_email=form.notify_by_email.data,
                material_digest=form.material_digest.data,
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            session["lang"] = account.language
            flash(gettext("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, account=account, person=person)


@bp.route("/profile/password", methods=["GET", "POST"])
@access(SIGNED_IN)
def change_password():
    # The account itself, not the proxy: logging in again stores what it is given, and a
    # proxy stored as the current user would refer to itself.
    account: Account = current_user._get_current_object()  # type: ignore[attr-defined]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, account, form.current.data, form.password.data)
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            # The session version changed: sign in again on this device only.
            login_user(account)
            flash(gettext("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


# --- administration ---------------------------------------------------------------------


def _region_choices():
    return [
        (r.id, f"{r.code} {r.name}") for r in db.session.scalars(select(Region).order_by(Region.code))
    ]


@bp.get("/admin/accounts")
@access(ADMIN)
def accounts():
    rows = db.session.scalars(
        select(Account)
        .join(Account.person)
        .options(joinedload(Account.person), joinedload(Account.contact_region))
        .order_by(Person.family_name, Person.given_name)
    ).all()
    return render_template("accounts/accounts.html", accounts=rows)


@bp.route("/admin/accounts/invite", methods=["GET", "POST"])
@access(ADMIN)
def invite():
    form = InviteForm()
    people = db.session.scalars(
        select(Person)
        .where(~Person.id.in_(select(Account.person_id).where(Account.password_hash.is_not(None))))
        .order_by(Person.family_name, Person.given_name)
    ).all()
    form.person_id.set_choices((p.id, f"{p.family_name}, {p.given_name}") for p in people)
    form.contact_region_id.set_choices(_region_choices())
    if request.method == "GET" and request.args.get("person", "").isdigit():
        chosen = db.session.get(Person, int(request.args["person"]))
        if chosen is not None:
            form.person_id.data = chosen.id
            form.email.data = chosen.email or ""
    if form.validate_on_submit():
        person = db.session.get(Person, form.person_id.data)
        try:
            account = services.invite(
                db.session,
                person,
                form.email.data,
                is_admin=form.is_admin.data,
                is_secretariat=form.is_secretariat.data,
                contact_region_id=form.contact_region_id.data,
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("An invitation was sent to %(email)s.", email=account.email), "success")
            return redirect(url_for("accounts.account", account_id=account.id))
    return render_template("accounts/invite.html", form=form)


@bp.route("/admin/accounts/<int:account_id>", methods=["GET", "POST"])
@access(ADMIN)
def account(account_id: int):
    found = db.session.scalar(
        select(Account)
        .where(Account.id == account_id)
        .options(joinedload(Account.person), joinedload(Account.contact_region))
    ) or abort(404)
    form = RolesForm(obj=found)
    form.contact_region_id.set_choices(_region_choices())
    if form.validate_on_submit():
        try:
            services.set_roles(
                db.session,
                found,
                is_admin=form.is_admin.data,
                is_secretariat=form.is_secretariat.data,
                contact_region_id=form.contact_region_id.data,
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(gettext("The roles were saved."), "success")
            return redirect(url_for("accounts.account", account_id=found.id))
    return render_template(
        "accounts/account.html", account=found, form=form, confirm=ConfirmForm(formdata=None)
    )


@bp.post("/admin/accounts/<int:account_id>/active")
@access(ADMIN)
def set_active(account_id: int):
    found = db.session.get(Account, account_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        activate = request.form.get("active") == "1"
        try:
            services.set_active(db.session, found, activate)
        except AccountError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                gettext("The account was reactivated.")
                if activate
                else gettext("The account was deactivated and logged out everywhere."),
                "success",
            )
    return redirect(url_for("accounts.account", account_id=found.id))


@bp.post("/admin/accounts/<int:account_id>/resend")
@access(ADMIN)
def resend_invitation(account_id: int):
    found = db.session.get(Account, account_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and found.password_hash is None:
        try:
            services.invite(
                db.session,
                found.person,
                found.email,
                is_admin=found.is_admin,
                is_secretariat=found.is_secretariat,
                contact_region_id=found.contact_region_id,
            )
        except AccountError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(gettext("A new invitation was sent to %(email)s.", email=found.email), "success")
    return redirect(url_for("accounts.account", account_id=found.id))


@bp.app_context_processor
def role_names() -> dict:
    return {
        "role_names": {
            "admin": gettext("Administrator"),
            "secretariat": gettext("Secretariat"),
            "region_contact": gettext("Region contact"),
        }
    }
