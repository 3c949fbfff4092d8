"""The annual statistical tables of party members and organizations (党内统计年报), as data:
each table's key, title and definition (the 指标说明 sheet of the export), and the bands of
age and party age.  ``member_rows(as_of)`` turns the bands into ``Q`` filters on the roster's
columns for a given as-of date — date comparisons only, so a table is one ``SELECT`` of
conditional counts (``selectors``), never a loop over members.  No database here."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.members.choices import Education, Ethnicity, Gender, MemberStatus, Occupation
from organizations.orgs.choices import OrgCategory, OrgKind

# (label, lowest age, highest age) — ages in whole years on the as-of date; None = open
AGE_BANDS = (
    (_("30岁及以下"), None, 30),
    (_("31—35岁"), 31, 35),
    (_("36—40岁"), 36, 40),
    (_("41—45岁"), 41, 45),
    (_("46—50岁"), 46, 50),
    (_("51—55岁"), 51, 55),
    (_("56—60岁"), 56, 60),
    (_("61—70岁"), 61, 70),
    (_("71岁及以上"), 71, None),
)
# (label, lowest party age, highest party age) — whole years of full membership on the as-of date
PARTY_AGE_BANDS = (
    (_("5年及以下"), None, 5),
    (_("6—10年"), 6, 10),
    (_("11—20年"), 11, 20),
    (_("21—30年"), 21, 30),
    (_("31—40年"), 31, 40),
    (_("41—50年"), 41, 50),
    (_("51年及以上"), 51, None),
)
NOT_FILLED = _("未填写")
FEMALE = Q(gender=Gender.FEMALE)
MINORITY_CODES = tuple(f"{n:02d}" for n in range(2, 57))  # GB/T 3304: 02 蒙古族 … 56 基诺族


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    q: Q


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    definition: str
    rows: tuple = ()
    female_column: bool = True  # an "其中女性" column, as the standard tables have


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def band_q(field: str, as_of: date, lowest, highest) -> Q:
    """Whole years since ``field`` on ``as_of`` between ``lowest`` and ``highest`` (inclusive):
    at least n years ⇔ the date is on or before ``as_of`` n years back."""
    q = Q(**{f"{field}__isnull": False})
    if lowest is not None:
        q &= Q(**{f"{field}__lte": years_before(as_of, lowest)})
    if highest is not None:
        q &= Q(**{f"{field}__gt": years_before(as_of, highest + 1)})
    return q


def full_on_q(as_of: date) -> Q:
    """A full member on ``as_of``: recorded as full and not made full after that day (a member
    converted since was still probationary then)."""
    return Q(status=MemberStatus.FULL) & (Q(full_member_on__isnull=True) | Q(full_member_on__lte=as_of))


def _choice_rows(prefix: str, field: str, choices) -> tuple:
    return tuple(Row(f"{prefix}_{value}", str(label), Q(**{field: value})) for value, label in choices.choices) + (
        Row(f"{prefix}_blank", str(NOT_FILLED), Q(**{field: ""})),
    )


# The column party age counts from, annotated by ``selectors``: the 转正 date, else the joining
# date of a full member (``Member.party_age``'s rule).
PARTY_START = "party_start"


def member_tables(as_of: date) -> tuple[Table, ...]:
    """The member tables; every table's rows partition the members counted (their sum is the 合计)."""
    full = full_on_q(as_of)
    start = PARTY_START
    return (
        Table("gender", str(_("党员性别构成")), str(_("现有党员按性别统计。")),
              tuple(Row(f"gender_{v}", str(label), Q(gender=v)) for v, label in Gender.choices), female_column=False),
        Table("ethnicity", str(_("党员民族构成")), str(_("现有党员按民族统计：汉族（01）、少数民族（02—56）、其他（97、98）、未填写。")), (
            Row("ethnicity_han", str(_("汉族")), Q(ethnicity=Ethnicity.HAN)),
            Row("ethnicity_minority", str(_("少数民族")), Q(ethnicity__in=MINORITY_CODES)),
            Row("ethnicity_other", str(_("其他（含外国血统中国籍人士）")),
                Q(ethnicity__in=[Ethnicity.OTHER, Ethnicity.FOREIGN_ORIGIN])),
            Row("ethnicity_blank", str(NOT_FILLED), Q(ethnicity="")),
        )),
        Table("age", str(_("党员年龄构成")), str(_("现有党员按统计截止日的周岁年龄统计；未登记出生日期的计入“未填写”。")),
              tuple(Row(f"age_{i}", str(label), band_q("birth_date", as_of, lo, hi))
                    for i, (label, lo, hi) in enumerate(AGE_BANDS)) + (
                  Row("age_blank", str(NOT_FILLED), Q(birth_date__isnull=True)),)),
        Table("education", str(_("党员学历构成")), str(_("现有党员按学历（党内统计口径）统计。")),
              _choice_rows("education", "education", Education)),
        Table("occupation", str(_("党员职业构成")), str(_("现有党员按职业类别（党内统计口径）统计。")),
              _choice_rows("occupation", "occupation", Occupation)),
        Table("party_age", str(_("党员党龄构成")), str(_(
            "正式党员按统计截止日的党龄统计，党龄自转正之日算起（未登记转正日期的按入党日期）；"
            "预备党员单列，不计党龄；正式党员未登记日期的计入“未填写”。")),
              (Row("party_age_probationary", str(_("预备党员")), ~full),)
              + tuple(Row(f"party_age_{i}", str(label), full & band_q(start, as_of, lo, hi))
                      for i, (label, lo, hi) in enumerate(PARTY_AGE_BANDS))
              + (Row("party_age_blank", str(NOT_FILLED), full & Q(**{f"{start}__isnull": True})),)),
        Table("status", str(_("党员类别构成")), str(_(
            "现有党员按统计截止日的正式党员、预备党员统计（转正日期晚于截止日的计为预备党员）。")),
              (Row(f"status_{MemberStatus.FULL}", str(MemberStatus.FULL.label), full),
               Row(f"status_{MemberStatus.PROBATIONARY}", str(MemberStatus.PROBATIONARY.label), ~full))),
    )


def org_tables() -> tuple[Table, ...]:
    """The organization tables: by kind and by category, each with the organizations that have a secretary."""
    return (
        Table("org_kind", str(_("党组织按类型")), str(_(
            "依托区域在本区域内（含下级区域）的党组织，按组织类型统计；“已配备书记”为已登记书记（或有党员的组织内职务为书记）、且该党员为现有党员的组织。")),
              tuple(Row(f"org_kind_{v}", str(label), Q(kind=v)) for v, label in OrgKind.choices), female_column=False),
        Table("org_category", str(_("党组织按类别")), str(_(
            "依托区域在本区域内（含下级区域）的党组织，按组织类别统计；“已配备书记”口径同上。")),
              tuple(Row(f"org_category_{v}", str(label), Q(category=v)) for v, label in OrgCategory.choices),
              female_column=False),
    )


FLOW_TABLE = Table("flow", _("发展党员与党员增减"), _(
    "统计年度内（1月1日至统计截止日）：递交入党申请、确定为入党积极分子、确定为发展对象、接收为预备党员按发展党员档案的"
    "环节办理日期统计；转为正式党员按党员的转正日期统计；转入、转出为本区域与区域外之间已办结的组织关系转接"
    "（转出系统的以开具介绍信日期计，未撤销的）；本区域内部的转接不计。净增减 = 接收预备党员 + 转入 − 转出。"),
    female_column=False)

FLOW_ROWS = (
    ("applied", _("递交入党申请")),
    ("activists", _("确定为入党积极分子")),
    ("candidates", _("确定为发展对象")),
    ("admitted", _("接收为预备党员")),
    ("converted", _("预备党员转为正式党员")),
    ("transferred_in", _("组织关系转入")),
    ("transferred_out", _("组织关系转出")),
    ("net", _("净增减")),
)
