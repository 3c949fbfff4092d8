"""The rule set governing a branch (a district's own version applies in its subtree from its
effective date, the default elsewhere), the version stored with every case and step, the API
masking personal data, and the admin pages of rule sets and cases."""
from datetime import date

import pytest

from dangjian.testing.clients import api_client
from organizations.development import actions, selectors
from organizations.development.default_rules import load_default_rules
from organizations.development.models import DevelopmentRuleSet, StepRule
from organizations.development.tests.factories import ensure_rules, make_case
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def district_version(district, effective_from):
    default = ensure_rules()
    own = DevelopmentRuleSet.objects.create(name="元宝区发展党员规则", area=district, version=2,
                                            effective_from=effective_from, min_age=18)
    for rule in default.steps.all():
        rule.pk, rule.rule_set = None, own
        if rule.code == "notice":
            rule.clause = "元宝区规定：公示不少于7个工作日"
        rule.save()
    StepRule.objects.filter(rule_set=own, code="branch_vote").update(min_interval=7)
    return own


def test_a_district_version_governs_its_subtree_from_its_effective_date(city):
    default = ensure_rules()
    own = district_version(city.district, date(2026, 6, 1))
    branch = type(city.a.branch).objects.select_related("area").get(pk=city.a.branch.pk)
    assert selectors.rule_set_for(branch, date(2026, 5, 31)) == default
    assert selectors.rule_set_for(branch, date(2026, 6, 1)) == own
    cadre = user_with(Role.COMMUNITY, city.a.area)
    case = actions.case_create(actor=cadre, organization=branch, name="新规", gender="M", birth_date=date(2000, 1, 1),
                               applied_on=date(2026, 7, 1))
    assert case.rule_set == own and case.steps.get().rule_set == own
    assert {r.code: r.min_interval for r in selectors.rules_of(own)}["branch_vote"] == 7


def test_loading_the_default_rules_twice_changes_nothing():
    first = load_default_rules(DevelopmentRuleSet, StepRule)
    again = load_default_rules(DevelopmentRuleSet, StepRule)
    assert first == again and again.steps.count() == 25


def test_the_api_masks_personal_data_and_a_member_sees_their_own_case(city):
    case = make_case(city.a.branch)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    body = api_client(cadre).get(f"/api/development-cases/{case.pk}/").json()
    assert body["phone_masked"] != case.phone and case.phone not in str(body) and case.id_number not in str(body)
    assert [s["code"] for s in body["steps"]] == ["application"]
    other = user_with(Role.COMMUNITY, city.b.area)
    assert api_client(other).get(f"/api/development-cases/{case.pk}/").status_code == 404


def test_admin_pages_of_rule_sets_and_cases(admin_client, city):
    case = make_case(city.a.branch)
    rule_set = ensure_rules()
    assert admin_client.get(f"/admin/organizations/developmentruleset/{rule_set.pk}/change/").status_code == 200
    page = admin_client.get(f"/admin/organizations/developmentcase/{case.pk}/change/")
    assert page.status_code == 200 and case.phone not in page.content.decode()
    assert admin_client.get("/admin/organizations/developmentstep/").status_code == 200
