"""Every feature's models, imported so that the metadata knows all tables (for Alembic)."""

from forum.roster import models as roster_models  # noqa: F401
from forum.strategy import models as strategy_models  # noqa: F401
