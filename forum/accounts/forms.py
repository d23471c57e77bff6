"""Forms of accounts: login, passwords, profile, invitations, roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import Email, EqualTo, Length

from forum.accounts.passwords import MIN_LENGTH
from forum.forms import Form, IdSelectField, required, text


def _email_field(label):
    return EmailField(
        label,
        [
            required(_l("Give your e-mail address.")),
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
            Email(message=_l("Write an e-mail address such as name@region.se.")),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )


class LoginForm(Form):
    email = _email_field(_l("E-mail"))
    password = PasswordField(_l("Password"), [required(_l("Give your password."))])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


def _new_password(label):
    return PasswordField(
        label,
        [
            required(_l("Choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=200,
                message=_l("Use at least %(min)d characters.", min=MIN_LENGTH),
            ),
        ],
        description=_l(
            "At least %(min)d characters. A few unrelated words make a strong password.",
            min=MIN_LENGTH,
        ),
    )


class SetPasswordForm(Form):
    password = _new_password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        [required(_l("Repeat the password.")), EqualTo("password", _l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), [required(_l("Give your current password."))])


class ForgotPasswordForm(Form):
    email = _email_field(_l("E-mail"))
    submit = SubmitField(_l("Send link"))


class ProfileForm(Form):
    email = EmailField(
        _l("Contact e-mail"),
        [
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
            Email(message=_l("Write an e-mail address such as name@region.se.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description=_l("Where the forum writes to you. Your login address stays the same."),
    )
    phone = text(_l("Phone"), max_length=40)
    title = text(_l("Title or role"), max_length=200)
    language = SelectField(
        _l("Language"), choices=[("sv", "Svenska"), ("en", "English")], default="sv"
    )
    notify_by_email = BooleanField(_l("Send me notices by e-mail"))
    material_digest = BooleanField(
        _l("Gather material notices into one e-mail a day"),
        description=_l("Instead of one e-mail each time the secretariat sends out material."),
    )
    submit = SubmitField(_l("Save"))


class InviteForm(Form):
    person_id = IdSelectField(_l("Person"), blank=_l("— choose a person —"), optional=False)
    email = _email_field(_l("Login e-mail"))
    is_secretariat = BooleanField(_l("Secretariat"))
    is_admin = BooleanField(_l("Administrator"))
    contact_region_id = IdSelectField(_l("Contact for region"), blank=_l("— none —"))
    submit = SubmitField(_l("Send invitation"))


class RolesForm(Form):
    is_secretariat = BooleanField(_l("Secretariat"))
    is_admin = BooleanField(_l("Administrator"))
    contact_region_id = IdSelectField(_l("Contact for region"), blank=_l("— none —"))
    submit = SubmitField(_l("Save roles"))


class ConfirmForm(Form):
    """A button that changes something, protected by CSRF like every form."""

    submit = SubmitField(_l("Confirm"))

