"""Excel (.xlsx) export of the territory tree and of the member roster.

Workbooks are written with openpyxl's write-only mode row by row from
``.iterator(chunk_size=2000)`` querysets, so memory stays flat and the number of queries
does not depend on the number of rows.  Only rows visible to the actor are exported
(``visible_to``); ``actor=None`` is the system exporter of the management commands.
Personal data is always masked: phone and ID number never leave in full.

The area export uses the import template's columns, so it can be imported elsewhere.
"""

from __future__ import annotations

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian import trees, xlsx
from dangjian.privacy import mask_id_number, mask_phone
from dangjian.scoping import get_scope
from organizations.areas.choices import AreaLevel, BuildingUse
from organizations.areas.models import Area
from organizations.imports.choices import ImportKind
from organizations.imports.importers import AREA_COLUMNS, HELP_SHEET_TITLE, MEMBER_COLUMNS, SHEET_TITLES, SYSTEM_SCOPE
from organizations.members.choices import Education, Ethnicity, Gender, MemberStatus, Occupation, OrgRole
from organizations.members.models import Member

CHUNK = 2000
FILE_TITLES = {ImportKind.AREAS: gettext_noop("区域树"), ImportKind.MEMBERS: gettext_noop("党员名册")}


def export_filename(kind: str, *, today=None) -> str:
    today = today or timezone.localdate()
    return f"{_(FILE_TITLES[kind])}-{today:%Y%m%d}.xlsx"


def export_filename_ascii(kind: str, *, today=None) -> str:
    today = today or timezone.localdate()
    return f"{kind}-{today:%Y%m%d}.xlsx"


def _labels(choices_cls):
    return {value: str(label) for value, label in choices_cls.choices}


def visible_areas(actor):
    return Area.objects.all() if actor is None else Area.objects.visible_to(actor)


def visible_members(actor):
    return Member.objects.all() if actor is None else Member.objects.visible_to(actor)


def write_areas(dest, *, actor, within: Area | None = None) -> int:
    """Write the visible areas (optionally one subtree) in tree order; returns the row count.

    A parent code is written only when the parent is visible to the actor too, so the
    file never names a place outside the actor's scope.
    """
    scope = SYSTEM_SCOPE if actor is None else get_scope(actor)
    qs = visible_areas(actor)
    if within is not None:
        qs = qs.within(within)
    rows = trees.with_spans(
        qs.order_by(*trees.tree_order()),
        "pk", "parent_id", "parent__code", "code", "name", "level", "address", "households", "building_use",
        prefix="parent", at_position=True, chunk_size=CHUNK,
    )
    levels = _labels(AreaLevel)
    uses = _labels(BuildingUse)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_(SHEET_TITLES[ImportKind.AREAS]))
    for index, col in enumerate(AREA_COLUMNS):
        ws.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = col.width
    ws.freeze_panes = "A2"
    ws.append(xlsx.header_cells(ws, [c.label for c in AREA_COLUMNS]))
    seen: set[int] = set()
    count = 0
    for pk, parent_id, parent_code, code, name, level, address, households, use, parent_place in rows:
        seen.add(pk)
        visible_parent = parent_id is not None and (parent_id in seen or scope.covers_area(parent_place))
        xlsx.append(ws, [
            parent_code if visible_parent else "", code, name, levels.get(level, ""), address, households,
            uses.get(use, ""),
        ])
        count += 1
    _help_sheet(wb, _("区域树导出：列与导入模板一致，可直接用于导入。上级区域不在您查看范围内时，上级编码留空。"))
    wb.save(dest)
    return count


def member_export_headers() -> list[str]:
    """The import template's columns, plus the organization's and the residence's names."""
    out = []
    for col in MEMBER_COLUMNS:
        if col.key in ("phone", "id_number"):
            out.append(_("%(col)s（已脱敏）") % {"col": col.label})
        else:
            out.append(col.label)
        if col.key == "org_code":
            out.append(_("所在党组织"))
        elif col.key == "residence_code":
            out.append(_("居住楼栋"))
    return out


def write_members(dest, *, actor) -> int:
    """Write the visible members with phone and ID number masked; returns the row count."""
    qs = (
        visible_members(actor)
        .select_related("organization", "residence")
        .only(
            "name", "gender", "ethnicity", "education", "occupation", "birth_date", "joined_on", "full_member_on", "status", "org_role", "in_service",
            "employer", "phone", "id_number", "organization__code", "organization__name",
            "residence__code", "residence__name",
        )
        .order_by(*trees.tree_order("organization"), "id")
    )
    genders = _labels(Gender)
    ethnicities, educations, occupations = _labels(Ethnicity), _labels(Education), _labels(Occupation)
    statuses = _labels(MemberStatus)
    roles = _labels(OrgRole)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_(SHEET_TITLES[ImportKind.MEMBERS]))
    widths = [10, 6, 12, 12, 12, 10, 16, 24, 10, 14, 16, 12, 20, 8, 12, 14, 16, 22]  # one per header
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.append(xlsx.note_row(ws, _("注：手机号、身份证号已脱敏处理；名单仅含您有权查看的党员。导出时间：%(at)s") % {
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }))
    ws.append(xlsx.header_cells(ws, member_export_headers()))
    yes, no = _("是"), _("否")
    count = 0
    for m in qs.iterator(chunk_size=CHUNK):
        residence = m.residence
        xlsx.append(ws, [
            m.name, genders.get(m.gender, ""), xlsx.date_cell(ws, m.birth_date), xlsx.date_cell(ws, m.joined_on),
            xlsx.date_cell(ws, m.full_member_on), statuses.get(m.status, ""), m.organization.code, m.organization.name,
            roles.get(m.org_role, ""), residence.code if residence else "", residence.name if residence else "",
            yes if m.in_service else no, m.employer, ethnicities.get(m.ethnicity, ""), educations.get(m.education, ""),
            occupations.get(m.occupation, ""), mask_phone(m.phone), mask_id_number(m.id_number),
        ])
        count += 1
    _help_sheet(wb, _("党员名册导出：手机号、身份证号已脱敏，不能直接用于导入；导入请使用导入模板。"))
    wb.save(dest)
    return count


def _help_sheet(wb, text):
    ws = wb.create_sheet(_(HELP_SHEET_TITLE))
    ws.column_dimensions["A"].width = 100
    ws.append(xlsx.note_row(ws, text))
