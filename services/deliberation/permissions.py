"""Who may do what in residents' deliberation.

* Reading the topics of a community (lists, topic pages with the proposer's name and a
  masked phone, figures): the roster roles (系统管理员, 区委组织部, 街道党工委, 社区, 网格员)
  over the topic's community.
* Screening (accept / merge / decline), recording the meeting and its vote, deciding,
  turning the decision into work, confirming it done, moderating comments: the managing
  roles (``MANAGE_ROLES``) over the community — the community cadres and those above.
* Entering a proposal for residents (from a diary entry or a meeting): the roster roles —
  a grid worker from an entry of their grid (``grids.diary.permissions.can_change_entry``).
* Supporting, commenting and rating: residents without an account, by phone and code
  (rate limited; the rating needs the last four digits of the proposer's or a supporter's phone).
"""

from dangjian.scoping import get_scope
from dangjian.workflow import anyone
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES
from services.deliberation.choices import CommentAction, TopicAction

READ_ROLES = frozenset(ROSTER_ROLES)
SCREEN_ROLES = frozenset(MANAGE_ROLES)


def can_read_topics(user) -> bool:
    """Holds a role that reads topics somewhere (the list, the figures)."""
    return get_scope(user).has_role(*READ_ROLES)


def can_manage_somewhere(user) -> bool:
    """Holds a role that screens topics and moderates comments somewhere (the queues)."""
    return get_scope(user).has_role(*SCREEN_ROLES)


def can_propose_for_residents(user) -> bool:
    return get_scope(user).has_role(*READ_ROLES)


def can_read(user, topic) -> bool:
    return get_scope(user).covers_area(topic.community, READ_ROLES)


def can_manage(user, topic) -> bool:
    """Screen, record the meeting, decide, hand over, complete (``topic.community`` loaded)."""
    return get_scope(user).covers_area(topic.community, SCREEN_ROLES)


def can_moderate(user, comment) -> bool:
    return get_scope(user).covers_area(comment.topic.community, SCREEN_ROLES)


TOPIC_RULES = {
    TopicAction.ACCEPT: can_manage,
    TopicAction.MERGE: can_manage,
    TopicAction.DECLINE: can_manage,
    TopicAction.DELIBERATE: can_manage,
    TopicAction.DECIDE: can_manage,
    TopicAction.START_WORK: can_manage,
    TopicAction.COMPLETE: can_manage,
    TopicAction.RATE: anyone,  # by code: the code plus the last four digits of a rater's phone
}

COMMENT_RULES = {
    CommentAction.SHOW: can_moderate,
    CommentAction.HIDE: can_moderate,
}


def can_enter_from_diary(user, entry) -> bool:
    """The diary entry page's "提为议事" link: a roster role, and the entry is one the user may
    change (its grid's worker, the community's cadres; ``topic_enter`` checks the same)."""
    from grids.diary.permissions import can_change_entry

    return can_propose_for_residents(user) and can_change_entry(user, entry)


def can_enter_from_activity(user, activity) -> bool:
    """A meeting (activity) page's "提为议事" link: the user holds a roster role (the page
    already showed them the activity, which ``topic_enter`` checks again)."""
    return can_propose_for_residents(user)
