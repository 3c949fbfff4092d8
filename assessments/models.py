"""Every model of the app, defined in its feature folder and re-exported here (tables and
migrations are unchanged)."""
from assessments.appraisal.models import (  # noqa: F401
    Appraisal,
    AppraisalEvent,
    AppraisalGrade,
)
from assessments.burden.models import (  # noqa: F401
    EntryTally,
    EntryTallyQuerySet,
)
from assessments.checklists.models import (  # noqa: F401
    Checklist,
    ChecklistEvent,
    ChecklistItem,
    ChecklistQuerySet,
    ItemRecord,
    evidence_path,
)
from assessments.dashboard.models import (  # noqa: F401
    AreaRollup,
)
from assessments.life.models import (  # noqa: F401
    Activity,
    ActivityAttachment,
    ActivityQuerySet,
    ActivityRule,
    ActivityType,
    Attendance,
    MemberLastPresent,
    OrgVerdict,
    RuleSet,
    RuleSetQuerySet,
    attachment_path,
    new_signin_token,
)
from assessments.reports.models import (  # noqa: F401
    FieldValue,
    Report,
    ReportCell,
    ReportColumn,
    ReportEvent,
    ReportField,
)
from assessments.scoring.models import (  # noqa: F401
    Indicator,
    ManualScore,
    Rubric,
    Score,
    ScoreLine,
    ScoreQuerySet,
    ScoringRun,
)
