"""Every model of the app, defined in its feature folder and re-exported here (tables and
migrations are unchanged)."""
from grids.diary.models import (  # noqa: F401
    DiaryEntry,
    DiaryEntryQuerySet,
    diary_photo_path,
)
from grids.grids.models import (  # noqa: F401
    Grid,
    GridArea,
    GridQuerySet,
)
from grids.teams.models import (  # noqa: F401
    GridTeamMember,
    GridTeamMemberQuerySet,
)
