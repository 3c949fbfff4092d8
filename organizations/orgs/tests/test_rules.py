"""Organization threshold warnings and structure rules: pure functions, no database."""
from datetime import date

from organizations.orgs.choices import FormationMode, OrgKind
from organizations.orgs.rules import OrgFigures, OrgThresholds, default_term_years, org_warnings

TODAY = date(2026, 11, 22)


def figures(**kw):
    base = dict(kind=OrgKind.BRANCH, formation=FormationMode.SINGLE, full_members=10, probationary_members=0,
                committee_size=3, has_secretary=True)
    base.update(kw)
    return OrgFigures(**base)


def test_healthy_branch_has_no_warnings():
    assert org_warnings(figures(), today=TODAY) == []


def test_branch_with_fewer_than_three_full_members_is_warned():
    out = org_warnings(figures(full_members=2, committee_size=1), today=TODAY)
    assert any("不足 3 名" in w for w in out)


def test_small_branch_should_not_have_a_committee():
    out = org_warnings(figures(full_members=5, committee_size=3), today=TODAY)
    assert any("不设支部委员会" in w for w in out)
    assert org_warnings(figures(full_members=5, committee_size=2), today=TODAY) == []


def test_branch_of_seven_needs_a_committee_of_three_to_seven():
    assert any("应设支部委员会" in w for w in org_warnings(figures(full_members=7, committee_size=1), today=TODAY))
    assert any("应设支部委员会" in w for w in org_warnings(figures(full_members=30, committee_size=8), today=TODAY))
    assert org_warnings(figures(full_members=30, committee_size=7), today=TODAY) == []


def test_large_branch_suggests_general_branch_then_committee():
    fifty = org_warnings(figures(full_members=55, committee_size=5), today=TODAY)
    assert any("一般不超过 50" in w for w in fifty)
    assert any("党总支" in w for w in fifty)
    hundred = org_warnings(figures(full_members=100, probationary_members=5, committee_size=5), today=TODAY)
    assert any("可设立党委" in w for w in hundred)
    assert not any("党总支" in w for w in hundred)


def test_committee_is_not_told_to_become_a_committee():
    out = org_warnings(figures(kind=OrgKind.COMMITTEE, full_members=300, committee_size=7), today=TODAY)
    assert not any("可设立党委" in w for w in out)


def test_missing_secretary_expired_term_and_joint_units():
    out = org_warnings(
        figures(has_secretary=False, formation=FormationMode.JOINT, joint_units=6, term_ends_on=date(2026, 1, 1)),
        today=TODAY,
    )
    assert any("尚未配备书记" in w for w in out)
    assert any("不超过 5 个" in w for w in out)
    assert any("2026年01月01日" in w for w in out)


def test_thresholds_are_data():
    strict = OrgThresholds(branch_min_full=5)
    assert any("不足 5 名" in w for w in org_warnings(figures(full_members=4, committee_size=1), today=TODAY, t=strict))


def test_settings_override_thresholds(settings):
    settings.ORG_THRESHOLDS = {"branch_max_members": 30}
    assert any("一般不超过 30" in w for w in org_warnings(figures(full_members=35, committee_size=5), today=TODAY))


def test_default_terms():
    assert default_term_years(OrgKind.COMMITTEE, "community") == 5
    assert default_term_years(OrgKind.BRANCH, "community") == 5
    assert default_term_years(OrgKind.BRANCH, "compound") == 3
