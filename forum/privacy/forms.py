"""The erasure's confirmation: a reason is required, for the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from forum.forms import Form, required


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EraseForm(Form):
    reason = TextAreaField(
        _l("Why the contact details are erased"),
        [required(_l("Say why the contact details are erased.")),
         Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
        filters=[_strip],
        description=_l("Kept in the audit log, e.g. “Left the forum in 2024; asked to be "
                       "erased by e-mail 3 March”. Do not write the details themselves."),
    )
    submit = SubmitField(_l("Erase contact details"))
