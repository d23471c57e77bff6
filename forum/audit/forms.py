"""The audit log's filters (sent with GET)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from forum.forms import IdSelectField, QueryForm, SwedishDateField


class AuditFilterForm(QueryForm):
    person = IdSelectField(_l("Person"), blank=_l("— anyone —"))
    object_type = SelectField(_l("Kind of object"), choices=[], validate_choice=False)
    object_id = IntegerField(
        _l("Object id"),
        [Optional(), NumberRange(min=1, max=2**31 - 1, message=_l("Give a positive number."))],
    )
    action = SelectField(_l("Event"), choices=[], validate_choice=False)
    since = SwedishDateField(_l("From"), [Optional()])
    until = SwedishDateField(_l("Until"), [Optional()])
