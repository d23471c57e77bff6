"""Forms for proposals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, SubmitField, TextAreaField
from wtforms.validators import Email, Length, Optional

from forum.forms import Form, IdSelectField, SwedishDateField, long_text, required, text


class ProposalForm(Form):
    seat_id = IdSelectField(_l("Seat"), blank=_l("— choose a seat —"), optional=False)
    person_id = IdSelectField(
        _l("Person on the roster"),
        blank=_l("— a new person (give the details below) —"),
        description=_l("Choose the person if they are already on the roster."),
    )
    new_given_name = text(_l("Given name"), max_length=100)
    new_family_name = text(_l("Family name"), max_length=100)
    new_email = EmailField(
        _l("E-mail"),
        [
            Optional(),
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
            Email(message=_l("Write an e-mail address such as name@region.se.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    new_title = text(_l("Title or role"), max_length=200)
    party = text(
        _l("Party"), max_length=60, description=_l("Required for politicians, e.g. S or M.")
    )
    start_date = SwedishDateField(_l("From"), [required(_l("Give the first day."))])
    decision_reference = text(
        _l("Reference to the decision"),
        max_length=300,
        description=_l("A reference such as “Regionstyrelsen 2026-11-12, § 143”."),
    )
    decision_file = FileField(
        _l("The decision as a PDF (optional)"), description=_l("At most 10 MB.")
    )
    note = long_text(_l("Note to the secretariat"), max_length=2000)
    submit = SubmitField(_l("Send proposal"))


class ReturnForm(Form):
    reason = TextAreaField(
        _l("Why it is returned"),
        [required(_l("Say why the proposal is returned.")),
         Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
        description=_l("The region's contact reads this in the e-mail."),
    )
    submit = SubmitField(_l("Return to the region"))


class ApproveForm(Form):
    submit = SubmitField(_l("Approve and nominate"))
