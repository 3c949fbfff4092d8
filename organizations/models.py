"""Every model of the app, defined in its feature folder and re-exported here (tables and
migrations are unchanged)."""
from organizations.accounts.models import (  # noqa: F401
    AccountState,
    LoginAttempt,
)
from organizations.areas.models import (  # noqa: F401
    Area,
    AreaManager,
    AreaQuerySet,
)
from organizations.development.models import (  # noqa: F401
    DevelopmentCase,
    DevelopmentCaseQuerySet,
    DevelopmentRuleSet,
    DevelopmentStep,
    StepRule,
)
from organizations.dues.models import (  # noqa: F401
    DuesBase,
    DuesBracket,
    DuesOrgMonth,
    DuesPayment,
    DuesRuleSet,
    MemberDuesState,
)
from organizations.grants.models import (  # noqa: F401
    Grant,
)
from organizations.imports.models import (  # noqa: F401
    ImportJob,
)
from organizations.members.models import (  # noqa: F401
    CentralHousehold,
    CentralHouseholdQuerySet,
    Member,
    MemberQuerySet,
    PersonalDataAccess,
)
from organizations.orgs.models import (  # noqa: F401
    PartyOrg,
    PartyOrgManager,
    PartyOrgQuerySet,
)
from organizations.roles.models import (  # noqa: F401
    LeaderLink,
    LeaderVisit,
    Position,
    TermRule,
)
from organizations.temporary.models import (  # noqa: F401
    Secondment,
    TemporaryBranch,
)
from organizations.transfers.models import (  # noqa: F401
    IntroductionLetter,
    Transfer,
    TransferEvent,
)
from organizations.units.models import (  # noqa: F401
    ResidentUnit,
    ResidentUnitQuerySet,
)
