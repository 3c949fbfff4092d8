"""Every model of the app, defined in its feature folder and re-exported here (tables and
migrations are unchanged)."""
from services.checkins.models import (  # noqa: F401
    CoBuildAgreement,
    CoBuildAgreementQuerySet,
    MemberReport,
    MemberReportQuerySet,
)
from services.deliberation.models import (  # noqa: F401
    Meeting,
    MeetingParticipant,
    MeetingRule,
    MeetingVote,
    Topic,
    TopicComment,
    TopicEvent,
    TopicOption,
    TopicQuerySet,
    TopicRating,
    TopicSupport,
    topic_photo_path,
)
from services.ledger.models import (  # noqa: F401
    MemberYearHours,
    ServiceRecord,
    ServiceRecordQuerySet,
    ServiceSource,
)
from services.open311.models import (  # noqa: F401
    Open311Key,
)
from services.requests.models import (  # noqa: F401
    RequestCategory,
    RequestEvent,
    ServiceRequest,
    ServiceRequestQuerySet,
    VolunteerTeam,
    VolunteerTeamQuerySet,
    request_photo_path,
)
from services.whistles.models import (  # noqa: F401
    Department,
    DepartmentQuerySet,
    Responder,
    Whistle,
    WhistleEvent,
    WhistleQuerySet,
    WhistleTarget,
    WhistleTargetQuerySet,
    responder_q,
)
from services.wishes.models import (  # noqa: F401
    Wish,
    WishEvent,
    WishQuerySet,
    wish_photo_path,
)
