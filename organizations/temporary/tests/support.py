"""The temporary branches' test world: ``build_city``; a temporary branch set up under
甲's community committee, helpers through the actions or directly."""
import itertools
from datetime import date, timedelta

from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.temporary.models import Secondment, TemporaryBranch
from organizations.tests.factories import PartyOrgFactory

_n = itertools.count(1)


def branch(parent, *, started_on=date(2025, 3, 1), expected_end=None, **fields):
    """A temporary branch written directly (for contracts and selectors); by default a year
    from its expected end."""
    expected_end = expected_end or date.today() + timedelta(days=365)
    org = PartyOrgFactory(name=f"临时党支部{next(_n)}", kind=OrgKind.BRANCH, category=OrgCategory.TEMPORARY,
                          area=parent.area, parent=parent)
    return TemporaryBranch.objects.create(org=org, purpose="major_project", project_name="地铁工程",
                                          started_on=started_on, expected_end=expected_end, **fields)


def second(temporary, member, started_on=date(2025, 3, 1), **fields):
    return Secondment.objects.create(temporary_branch=temporary, member=member, started_on=started_on, **fields)
