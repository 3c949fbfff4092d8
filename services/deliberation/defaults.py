"""The decision rules the articles' communities use (居民议事会, 网格议事会, 业主大会,
会商议事团): loaded by migration ``0009_deliberation``; deployments edit them in the admin.
The test suite's root ``conftest.py`` puts them back after a flush."""
from decimal import Decimal

# name, kind, voters, quorum kind, quorum share, quorum count, majority, description
DEFAULT_RULES = (
    ("居民议事会", "residents_council", "representatives", "share", "0.50", None, "simple",
     "居民代表过半数到会，到会代表过半数同意"),
    ("网格议事会", "grid_council", "all", "count", None, 5, "simple", "网格长、楼门长、居民代表等至少5人到会，过半数同意"),
    ("业主大会", "owners_assembly", "owners", "share", "0.67", None, "two_thirds",
     "涉及共有部分的重大事项：三分之二以上到会，到会三分之二以上同意"),
    ("会商议事团", "consultation", "all", "share", "0.50", None, "simple", "网格长、居民党员、楼栋长、社工等共商"),
)


def load_meeting_rules(MeetingRule) -> None:
    """Create or refresh the default rules on ``MeetingRule`` (a historical model in the
    migration, the real one elsewhere)."""
    for order, (name, kind, voters, quorum_kind, share, count, majority, description) in enumerate(DEFAULT_RULES):
        MeetingRule.objects.update_or_create(name=name, defaults=dict(
            kind=kind, voters=voters, quorum_kind=quorum_kind, quorum_share=Decimal(share) if share else None,
            quorum_count=count, majority=majority, description=description, sort_order=(order + 1) * 10))
