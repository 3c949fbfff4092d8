"""Excel export of the visible areas and members: scope, masking, file name, constant
query count, and the export commands."""
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.models import AuditEvent
from dangjian.privacy import mask_id_number, mask_phone
from dangjian.testing import assert_max_queries
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.imports.importers import import_workbook
from organizations.members.models import Member
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, build_community, user_with

pytestmark = pytest.mark.django_db


def load(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_rows(wb, skip=1):
    return [list(r) for r in wb.worksheets[0].iter_rows(min_row=skip + 1, values_only=True)]


def get(client, kind, **params):
    return client.get(reverse("organizations:export", args=[kind]), params)


def test_area_export_contains_only_visible_areas_in_template_columns(client, city):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    response = get(client, "areas")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load(b"".join(response.streaming_content))
    assert [c.value for c in wb.worksheets[0][1]] == ["上级编码", "编码", "名称", "层级", "地址", "户数", "楼栋用途"]
    rows = sheet_rows(wb)
    assert [r[1] for r in rows] == [city.a.area.code, city.a.compound.code, city.a.building.code]
    # the street above the community is out of scope: its code is not written
    assert rows[0][0] is None
    assert rows[1][0] == city.a.area.code and rows[2][0] == city.a.compound.code
    assert rows[2][2:4] == [city.a.building.name, "楼栋"] and rows[2][5] == 24
    assert "乙" not in str(rows)
    event = AuditEvent.objects.get(verb="export.areas")
    assert event.changes == {"rows": 3, "masked": False}


def test_area_export_within_a_subtree(client, city):
    client.force_login(user_with(Role.STREET, city.street))
    rows = sheet_rows(load(b"".join(get(client, "areas", within=city.b.compound.pk).streaming_content)))
    assert [r[1] for r in rows] == [city.b.compound.code, city.b.building.code]
    assert rows[0][0] == city.b.area.code  # the parent is visible to this user
    assert get(client, "areas", within=city.district.pk).status_code == 404  # above the grant
    assert get(client, "areas", within="abc").status_code == 404
    assert get(client, "areas", within=999999).status_code == 404


def test_area_export_reimports_elsewhere(client, city):
    """The area export is a valid import file: a system import of it under new codes works."""
    client.force_login(user_with(Role.ADMIN, city.city))
    wb = load(b"".join(get(client, "areas", within=city.a.area.pk).streaming_content))
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        row[1].value = "N-" + row[1].value
        if row[0].value and row[0].value != city.street.code:
            row[0].value = "N-" + row[0].value
    ws["C2"] = "甲社区（新）"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = import_workbook("areas", buf, actor=None)
    assert result.ok, result.errors
    copy = Area.objects.get(code="N-" + city.a.area.code)
    assert copy.parent == city.street
    assert [a.name for a in copy.get_descendants()] == [city.a.compound.name, city.a.building.name]


def test_member_export_is_masked_and_scoped(client, city):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    response = get(client, "members")
    assert response.status_code == 200
    wb = load(b"".join(response.streaming_content))
    ws = wb.worksheets[0]
    assert "已脱敏" in ws["A1"].value
    headers = [c.value for c in ws[2]]
    assert headers[:8] == ["姓名", "性别", "出生日期", "入党日期", "转正日期", "党员状态", "所在党组织编码", "所在党组织"]
    assert headers[-2:] == ["手机号（已脱敏）", "身份证号（已脱敏）"]
    assert "居住楼栋" in headers
    rows = sheet_rows(wb, skip=2)
    members = [Member.objects.get(pk=m.pk) for m in city.a.members]
    assert sorted(r[0] for r in rows) == sorted(m.name for m in members)
    by_name = {r[0]: dict(zip(headers, r)) for r in rows}
    for m in members:
        row = by_name[m.name]
        assert row["手机号（已脱敏）"] == mask_phone(m.phone) and "****" in row["手机号（已脱敏）"]
        assert row["身份证号（已脱敏）"] == mask_id_number(m.id_number)
        assert row["所在党组织"] == city.a.branch.name and row["居住楼栋"] == city.a.building.name
    content = str(rows)
    for m in members:
        assert m.phone not in content and m.id_number not in content
    assert "乙" not in content
    assert AuditEvent.objects.get(verb="export.members").changes == {"rows": 2, "masked": True}


def test_export_file_name_is_chinese_rfc5987(client, city):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    today = timezone.localdate().strftime("%Y%m%d")
    disposition = get(client, "members")["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'党员名册-{today}.xlsx')}" in disposition
    assert f'filename="members-{today}.xlsx"' in disposition
    assert quote(f"区域树-{today}.xlsx") in get(client, "areas")["Content-Disposition"]


def test_export_refused_for_non_importers_and_unknown_kind(client, city):
    client.force_login(user_with(Role.GRID, city.a.area))
    response = get(client, "members")
    assert response.status_code == 403 and "您的角色无权导出数据" in response.content.decode()
    assert get(client, "areas").status_code == 403
    client.force_login(user_with(Role.ADMIN, city.city))
    assert get(client, "units").status_code == 404


@pytest.mark.parametrize("kind", ["areas", "members"])
def test_export_query_count_does_not_grow(client, city, kind):
    client.force_login(user_with(Role.STREET, city.street))

    def export_rows():
        response = get(client, kind)
        assert response.status_code == 200
        return len(sheet_rows(load(b"".join(response.streaming_content)), skip=1 if kind == "areas" else 2))

    with assert_max_queries(BUDGETS["organizations:export"]):
        small = export_rows()
    for i in range(4):
        community = build_community(city.street, city.street_org, f"丙{i}", members=3)
        MemberFactory.create_batch(2, organization=community.group, residence=community.building)
    with assert_max_queries(BUDGETS["organizations:export"]):
        large = export_rows()
    assert large > small


def test_export_commands(city, tmp_path, capsys):
    out = tmp_path / "areas.xlsx"
    call_command("export_areas", str(out))
    codes = [r[1] for r in sheet_rows(openpyxl.load_workbook(out))]
    assert codes[0] == city.city.code and len(codes) == Area.objects.count()
    assert "已导出" in capsys.readouterr().out

    call_command("export_areas", str(out), within=city.b.area.code)
    assert [r[1] for r in sheet_rows(openpyxl.load_workbook(out))] == [
        city.b.area.code, city.b.compound.code, city.b.building.code,
    ]
    with pytest.raises(CommandError, match="区域编码不存在"):
        call_command("export_areas", str(out), within="NOPE")
    user_with(Role.COMMUNITY, city.a.area, username="cadre-export")
    with pytest.raises(CommandError, match="区域编码不存在或不在查看范围内"):
        call_command("export_areas", str(out), within=city.b.area.code, user="cadre-export")

    out = tmp_path / "members.xlsx"
    call_command("export_members", str(out))
    rows = sheet_rows(openpyxl.load_workbook(out), skip=2)
    assert len(rows) == Member.objects.count() == 4
    first = Member.objects.get(pk=city.a.members[0].pk)
    assert first.phone not in str(rows) and mask_phone(first.phone) in str(rows)
    call_command("export_members", str(out), user="cadre-export")
    assert len(sheet_rows(openpyxl.load_workbook(out), skip=2)) == 2
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_members", str(out), user="nobody")
