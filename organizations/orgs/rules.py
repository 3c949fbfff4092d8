"""Organization structure rules (党章, 支部工作条例).

Hard structure errors block a save (a 党委 under a 党小组 makes no sense).  The member-count
thresholds are *warnings* shown to cadres, never a block: real organizations pass through
states the rules discourage.  Thresholds are defaults that a locality overrides with the
``ORG_THRESHOLDS`` setting; the pure functions here take them as an argument.
"""
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from dangjian import trees
from organizations.orgs.choices import ORG_KIND_RANK, OrgCategory, OrgKind


@dataclass(frozen=True)
class OrgThresholds:
    branch_min_full: int = 3            # ≥3 full members → a branch may be formed
    branch_max_members: int = 50        # a branch generally ≤50 members
    committee_min_full: int = 7         # <7 full members → secretary (and deputy) only
    committee_min_size: int = 3
    committee_usual_max: int = 5
    committee_max_size: int = 7
    general_branch_min: int = 50        # 50–99 members → 党总支
    party_committee_min: int = 100      # ≥100 → 党委
    joint_max_units: int = 5            # 联合组建 ≤5 units
    community_term_years: int = 5
    branch_term_years: int = 3
    committee_term_years: int = 5


def thresholds() -> OrgThresholds:
    overrides = getattr(settings, "ORG_THRESHOLDS", None) or {}
    return replace(OrgThresholds(), **overrides)


def default_term_years(kind: str, category: str, t: OrgThresholds | None = None) -> int:
    t = t or thresholds()
    if kind in (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE):
        return t.committee_term_years
    if category in (OrgCategory.COMMUNITY, OrgCategory.STREET, OrgCategory.REGIONAL):
        return t.community_term_years
    return t.branch_term_years


def org_structure_errors(org) -> dict:
    """Hard errors for an organization about to be saved: field name → message."""
    errors = {}
    parent = org.parent if org.parent_id else None
    if parent is not None:
        if org.pk and parent.pk == org.pk:
            errors["parent"] = _("组织不能以自己为上级。")
        elif org.pk and not org._state.adding and trees.contains(org, parent):
            errors["parent"] = _("不能把组织移动到它自己的下级之下。")
        elif parent.kind == OrgKind.GROUP:
            errors["parent"] = _("党小组之下不能再设党组织。")
        elif org.kind and ORG_KIND_RANK.get(org.kind, 9) < ORG_KIND_RANK.get(parent.kind, 0):
            errors["kind"] = _("%(kind)s不能隶属于%(parent_kind)s。") % {
                "kind": org.get_kind_display(),
                "parent_kind": parent.get_kind_display(),
            }
    elif org.kind == OrgKind.GROUP:
        errors["parent"] = _("党小组必须隶属于一个党支部或党总支。")
    if org.kind == OrgKind.GROUP and parent is not None and parent.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        errors.setdefault("parent", _("党小组必须隶属于党支部或党总支。"))
    if org.joint_units is not None and org.joint_units < 1:
        errors["joint_units"] = _("组建单位数至少为1。")
    return errors


@dataclass(frozen=True)
class OrgFigures:
    """What the warnings need to know about one organization."""

    kind: str
    formation: str
    full_members: int
    probationary_members: int
    committee_size: int          # secretary + deputies + committee members
    has_secretary: bool
    joint_units: int = 1
    term_ends_on: date | None = None


def org_warnings(f: OrgFigures, *, today: date, t: OrgThresholds | None = None) -> list[str]:
    """Advice for cadres about thresholds; empty when the organization is in good shape."""
    t = t or thresholds()
    total = f.full_members + f.probationary_members
    out = []
    if f.kind == OrgKind.GROUP:
        if not f.has_secretary and total:
            out.append(_("党小组尚未确定组长。"))
        return out
    if not f.has_secretary:
        out.append(_("尚未配备书记。"))
    if f.kind == OrgKind.BRANCH:
        if f.full_members < t.branch_min_full:
            out.append(
                _("正式党员 %(n)d 名，不足 %(min)d 名，按规定不宜单独成立党支部，可考虑联合组建。")
                % {"n": f.full_members, "min": t.branch_min_full}
            )
        if total > t.branch_max_members:
            out.append(_("党员 %(n)d 名，党支部党员人数一般不超过 %(max)d 人，可考虑分设。") % {"n": total, "max": t.branch_max_members})
        if f.full_members < t.committee_min_full and f.committee_size > 2:
            out.append(
                _("正式党员不足 %(min)d 名的党支部不设支部委员会，只设书记（和副书记）。") % {"min": t.committee_min_full}
            )
        if f.full_members >= t.committee_min_full and not (t.committee_min_size <= f.committee_size <= t.committee_max_size):
            out.append(
                _("正式党员 %(n)d 名，应设支部委员会，委员一般 %(a)d 至 %(b)d 人，最多不超过 %(c)d 人（现有 %(size)d 人）。")
                % {"n": f.full_members, "a": t.committee_min_size, "b": t.committee_usual_max,
                   "c": t.committee_max_size, "size": f.committee_size}
            )
    if f.kind != OrgKind.COMMITTEE and total >= t.party_committee_min:
        out.append(_("党员 %(n)d 名，达到 %(min)d 名，可设立党委。") % {"n": total, "min": t.party_committee_min})
    elif f.kind == OrgKind.BRANCH and t.general_branch_min <= total < t.party_committee_min:
        out.append(
            _("党员 %(n)d 名，在 %(a)d 至 %(b)d 名之间，可设立党总支。")
            % {"n": total, "a": t.general_branch_min, "b": t.party_committee_min - 1}
        )
    if f.formation == "joint" and f.joint_units > t.joint_max_units:
        out.append(_("联合组建的单位一般不超过 %(max)d 个（现有 %(n)d 个）。") % {"max": t.joint_max_units, "n": f.joint_units})
    if f.term_ends_on and f.term_ends_on < today:
        out.append(_("本届任期已于 %(d)s 届满，请及时换届。") % {"d": f.term_ends_on.strftime("%Y年%m月%d日")})
    return out
