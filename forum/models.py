"""Every feature's models, imported so that the metadata knows all tables (for Alembic)."""

from forum import mail_models  # noqa: F401
from forum.accounts import models as accounts_models  # noqa: F401
from forum.audit import models as audit_models  # noqa: F401
from forum.calendars import models as calendars_models  # noqa: F401
from forum.cooperation import models as cooperation_models  # noqa: F401
from forum.material import models as material_models  # noqa: F401
from forum.meetings import models as meetings_models  # noqa: F401
from forum.news import models as news_models  # noqa: F401
from forum.proposals import models as proposals_models  # noqa: F401
from forum.roster import models as roster_models  # noqa: F401
from forum.strategy import models as strategy_models  # noqa: F401
from forum.surveys import models as surveys_models  # noqa: F401
