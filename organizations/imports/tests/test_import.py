"""Excel import of the territory tree and the member roster: whole-file validation with
row numbers and Chinese reasons, all-or-nothing writes, scope, the job and its pages."""
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from dangjian.crypto import keyed_hash
from dangjian.models import AuditEvent
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.imports import importers
from organizations.imports.choices import ImportStatus
from organizations.imports.importers import import_workbook, run_import_job, validate_members
from organizations.imports.models import ImportJob
from organizations.members.choices import MemberStatus, OrgRole
from organizations.members.models import Member
from organizations.tests.factories import UserFactory, build_city, user_with, valid_id_number

pytestmark = pytest.mark.django_db

AREA_HEADERS = ["上级编码", "编码", "名称", "层级", "地址", "户数", "楼栋用途"]
MEMBER_HEADERS = [
    "姓名", "性别", "出生日期", "入党日期", "转正日期", "党员状态", "所在党组织编码", "组织内职务",
    "居住楼栋编码", "是否在职党员", "工作单位", "民族", "学历", "职业类别", "手机号", "身份证号",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(headers, rows, *, title="Sheet", before=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for line in before:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def area_file(rows, **kw):
    return xlsx(AREA_HEADERS, rows, **kw)


def member_row(org, **over):
    values = {
        "姓名": "王五", "性别": "男", "出生日期": "1980-01-01", "入党日期": "2005-07-01", "转正日期": "2006-07-01",
        "党员状态": "正式党员", "所在党组织编码": org.code, "组织内职务": "党员", "居住楼栋编码": "",
        "是否在职党员": "否", "工作单位": "", "民族": "", "学历": "", "职业类别": "", "手机号": "13912345678",
        "身份证号": "",
    }
    values.update(over)
    return [values[h] for h in MEMBER_HEADERS]


def member_file(rows):
    return xlsx(MEMBER_HEADERS, rows)


def errors_by_row(result):
    return {e["row"]: e["errors"] for e in result.errors}


def tree_snapshot():
    return {a.code: (a.tree_id, a.lft, a.rght, a.depth) for a in Area.objects.all()}


def assert_tree_invariants():
    nodes = {a.pk: a for a in Area.objects.all()}
    for a in nodes.values():
        assert a.lft < a.rght
        assert (a.rght - a.lft - 1) % 2 == 0
        if a.parent_id:
            p = nodes[a.parent_id]
            assert p.tree_id == a.tree_id
            assert p.lft < a.lft and a.rght < p.rght
            assert a.depth == p.depth + 1
        else:
            assert a.lft == 1 and a.depth == 0
    # A fresh full rebuild gives exactly the same numbering.
    before = tree_snapshot()
    Area.objects.rebuild()
    assert tree_snapshot() == before


# ------------------------------------------------------------------------- areas
def test_good_area_file_builds_tree_parents_later_in_file(city):
    existing = Area.objects.count()
    rows = [
        # a new city whose district is defined *after* its street
        ["NEWD", "NEWS", "新兴街道", "街道", "", None, ""],
        ["", "NEWC", "新城市", "市", "", None, ""],
        ["NEWC", "NEWD", "新城区", "区", "", None, ""],
        ["NEWS", "NEWQ", "新兴社区", "社区", "新兴路1号", None, ""],
        ["NEWQ", "NEWB", "商务楼宇A座", "楼栋", "", 0, "商务楼宇"],
        # and new buildings under an existing compound, one with an entrance
        [city.a.compound.code, "A-B2", "甲2号楼", "楼栋", "", 36, "住宅楼"],
        ["A-B2", "A-B2-1", "1单元", "单元", "", 12, ""],
        [city.a.compound.code, "A-B3", "甲3号楼", "楼栋", "", "18", ""],
    ]
    result = import_workbook("areas", area_file(rows), actor=None, file_name="areas.xlsx")
    assert result.ok, result.errors
    assert result.summary["created"] == 8
    assert Area.objects.count() == existing + 8

    new_city = Area.objects.get(code="NEWC")
    assert new_city.parent is None and new_city.level == AreaLevel.CITY
    street = Area.objects.get(code="NEWS")
    assert street.parent.code == "NEWD" and street.level == AreaLevel.STREET
    assert [a.code for a in new_city.get_descendants()] == ["NEWD", "NEWS", "NEWQ", "NEWB"]
    assert Area.objects.get(code="NEWB").building_use == "commercial"
    b2 = Area.objects.get(code="A-B2")
    assert b2.households == 36 and b2.tree_id == city.a.compound.tree_id
    assert Area.objects.get(code="A-B3").households == 18
    compound = Area.objects.get(pk=city.a.compound.pk)
    # existing children keep their place, new ones follow in file order
    assert [a.code for a in compound.get_children()] == [city.a.building.code, "A-B2", "A-B3"]
    assert [a.code for a in b2.get_children()] == ["A-B2-1"]
    assert Area.objects.get(code="A-B2-1").depth == compound.depth + 2
    assert_tree_invariants()
    assert AuditEvent.objects.filter(verb="import.areas", changes__rows=8).count() == 1


def test_scoped_user_imports_under_own_subtree(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    rows = [[city.a.compound.code, "A-B9", "甲9号楼", "楼栋", "", 20, "住宅楼"]]
    result = import_workbook("areas", area_file(rows), actor=cadre)
    assert result.ok, result.errors
    assert Area.objects.get(code="A-B9").parent_id == city.a.compound.pk
    assert AuditEvent.objects.get(verb="import.areas").actor == cadre
    assert_tree_invariants()


def _clean_message(level, parent):
    probe = Area(name="x", code="x", level=level, parent=parent)
    try:
        probe.clean()
    except Exception as exc:  # ValidationError
        return [m for ms in exc.message_dict.values() for m in ms]
    return []


def test_every_bad_area_row_is_reported_and_nothing_is_written(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    c = city.a
    rows = [
        [c.compound.code, "OK1", "甲5号楼", "楼栋", "", 10, ""],              # 2: good
        [c.compound.code, "", "", "楼栋", "", None, ""],                      # 3: missing code and name
        [c.compound.code, "X4", "四号", "镇", "", None, ""],                  # 4: unknown level
        [c.compound.code, "OK1", "甲6号楼", "楼栋", "", None, ""],            # 5: duplicate code in file
        [c.compound.code, city.b.building.code, "甲7号楼", "楼栋", "", None, ""],  # 6: code used
        ["NO-SUCH", "X7", "七号", "楼栋", "", None, ""],                      # 7: parent missing
        [city.b.compound.code, "X8", "八号", "楼栋", "", None, ""],           # 8: parent out of scope
        [c.compound.code, "X9", "某社区", "社区", "", None, ""],              # 9: level not deeper
        [c.compound.code, "X10", "某单元", "单元", "", None, ""],             # 10: entrance not under building
        [c.compound.code, "X11", c.building.name, "楼栋", "", None, ""],      # 11: sibling name in database
        [c.compound.code, "X12", "甲5号楼", "楼栋", "", None, ""],            # 12: sibling name in file
        ["X14", "X13", "环A", "楼栋", "", None, ""],                          # 13: cycle
        ["X13", "X14", "环B", "楼栋", "", None, ""],                          # 14: cycle
        [c.compound.code, "X15", "十五号", "楼栋", "", "很多", ""],             # 15: households
        [c.compound.code, "X16", "十六号", "楼栋", "", -3, ""],                 # 16: negative households
        [c.area.code, "X17", "某小区", "小区", "", None, "住宅楼"],           # 17: use on a compound
        ["", "X18", "新市", "市", "", None, ""],                              # 18: top level by a cadre
        ["X18", "X19", "新区", "区", "", None, ""],                           # 19: fine itself (parent bad)
        [c.compound.code, "X20", "二十号", "楼栋", "", None, "写字楼"],         # 20: unknown use
        [c.compound.code, "X" * 33, "某楼" * 60, "楼栋", "", None, ""],       # 21: too long
        ["X22", "X22", "自己", "楼栋", "", None, ""],                         # 22: own parent
    ]
    before = (Area.objects.count(), AuditEvent.objects.count(), tree_snapshot())
    result = import_workbook("areas", area_file(rows), actor=cadre)
    assert not result.ok
    errs = errors_by_row(result)
    assert 2 not in errs and 19 not in errs
    assert errs[3] == ["编码不能为空", "名称不能为空"]
    assert "层级“镇”无效，只能填写：市、区、街道、社区、小区、楼栋、单元" in errs[4]
    assert errs[5] == ["编码“OK1”与第 2 行重复"]
    assert errs[6] == [f"编码“{city.b.building.code}”已被系统中的其他区域使用"]
    assert errs[7] == ["上级编码不存在或不在您的管辖范围内：NO-SUCH"]
    # out of scope reads exactly like missing: nothing about the other community leaks
    assert errs[8] == [f"上级编码不存在或不在您的管辖范围内：{city.b.compound.code}"]
    assert errs[9] == _clean_message(AreaLevel.COMMUNITY, c.compound)
    assert errs[9] == ["“社区”必须比上级区域“甲小区”（小区）层级更低。"]
    assert errs[10] == ["单元只能建在楼栋之下。"]
    assert errs[11] == [f"上级区域“甲小区”下已有名为“{c.building.name}”的区域"]
    assert errs[12] == ["同一上级区域下的名称“甲5号楼”与第 2 行重复"]
    assert errs[13] == errs[14] == ["上级编码形成循环引用（第 13、14 行）"]
    assert errs[15] == ["户数“很多”必须是不小于0的整数"]
    assert errs[16] == ["户数“-3”必须是不小于0的整数"]
    assert errs[17] == ["只有楼栋可以设置用途。"]
    assert errs[18] == ["上级编码不能为空：只有系统管理员可以导入顶级区域"]
    assert errs[20] == ["楼栋用途“写字楼”无效，只能填写：住宅楼、商务楼宇、商住混合"]
    assert errs[21] == ["编码不能超过32个字符", "名称不能超过100个字符"]
    assert errs[22] == ["上级编码不能与本行编码相同"]
    assert (Area.objects.count(), AuditEvent.objects.count(), tree_snapshot()) == before


def test_system_import_checks_root_levels_and_root_names(city):
    rows = [
        ["", "R1", "某街道", "街道", "", None, ""],
        ["", "R2", city.city.name, "市", "", None, ""],
        ["", "R3", "新市", "市", "", None, ""],
        ["", "R4", "新市", "区", "", None, ""],
    ]
    result = import_workbook("areas", area_file(rows), actor=None)
    errs = errors_by_row(result)
    assert errs[2] == ["只有市或区可以作为顶级区域，请选择上级区域。"]
    assert errs[3] == [f"已有名为“{city.city.name}”的顶级区域"]
    assert errs[5] == ["同一上级区域下的名称“新市”与第 4 行重复"]
    assert 4 not in errs
    assert not Area.objects.filter(code__in=["R1", "R2", "R3", "R4"]).exists()


def test_parent_managed_only_with_a_read_role_is_refused(city):
    user = user_with(Role.COMMUNITY, city.a.area)
    Grant = city.a.area.grants.model
    Grant.objects.create(user=user, role=Role.GRID, area=city.b.area)  # may see b, not manage it
    rows = [[city.b.compound.code, "GB1", "乙9号楼", "楼栋", "", None, ""]]
    result = import_workbook("areas", area_file(rows), actor=user)
    assert errors_by_row(result) == {2: [f"上级编码不存在或不在您的管辖范围内：{city.b.compound.code}"]}


def test_header_row_after_a_title_row_and_excel_row_numbers(city):
    rows = [[city.a.compound.code, "T1", "", "楼栋", "", None, ""]]
    f = area_file(rows, before=[["某某社区区域导入"], []])
    result = import_workbook("areas", f, actor=None)
    assert errors_by_row(result) == {4: ["名称不能为空"]}


@pytest.mark.parametrize("payload, message", [
    (b"name,code\n1,2\n", "这不是 Excel（.xlsx）文件"),
    (b"PK\x03\x04 not really a zip", "这不是 Excel"),
])
def test_not_an_xlsx_is_one_clear_error(city, payload, message):
    result = import_workbook("areas", io.BytesIO(payload), actor=None)
    assert len(result.errors) == 1 and result.errors[0]["row"] is None
    assert message in result.errors[0]["errors"][0]


def test_zip_that_is_not_a_workbook(city):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    result = import_workbook("areas", buf, actor=None)
    assert result.errors == [{"row": None, "errors": ["无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。"]}]


def test_missing_headers_and_empty_file(city):
    f = xlsx(["上级编码", "编码", "地址"], [["x", "y", "z"]])
    result = import_workbook("areas", f, actor=None)
    assert result.errors == [{"row": None, "errors": ["文件缺少必需的列：名称、层级。请使用导入模板，不要修改列名。"]}]
    f = xlsx(["甲", "乙"], [["x", "y"]])
    assert "找不到列名行" in import_workbook("areas", f, actor=None).errors[0]["errors"][0]
    f = area_file([])
    assert import_workbook("areas", f, actor=None).errors[0]["errors"] == ["文件中没有数据行。"]
    # a member file uploaded as areas
    f = member_file([member_row(city.a.branch)])
    assert import_workbook("areas", f, actor=None).errors[0]["errors"] == [
        "文件的列与“党员名册”导入模板一致，请到导入党员名册的页面上传。"
    ]


def test_upload_meta_refuses_size_extension_and_type(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(importers.ImportFileError, match="文件过大（1001 B），上限为 1000 B"):
        importers.check_upload_meta(name="a.xlsx", size=1001, content_type=XLSX)
    with pytest.raises(importers.ImportFileError, match=".xlsx"):
        importers.check_upload_meta(name="a.xls", size=10, content_type="application/vnd.ms-excel")
    with pytest.raises(importers.ImportFileError, match="文件类型"):
        importers.check_upload_meta(name="a.xlsx", size=10, content_type="text/plain")
    importers.check_upload_meta(name="A.XLSX", size=1000, content_type=XLSX)


# ------------------------------------------------------------------------ members
def test_good_member_file_creates_encrypted_members(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    id1, id2, id3 = valid_id_number(901), valid_id_number(902, "19900215"), valid_id_number(903)
    rows = [
        member_row(city.a.branch, 姓名="李一", 身份证号=id1, 居住楼栋编码=city.a.building.code,
                   出生日期=datetime(1980, 1, 1), 入党日期="2005/7/1", 转正日期="2006年7月1日"),
        member_row(city.a.group, 姓名="李二", 性别="女", 身份证号=id2, 出生日期="1990年2月15日",
                   入党日期=date(2024, 6, 1), 转正日期="", 党员状态="预备党员", 组织内职务="委员",
                   是否在职党员="是", 工作单位="市财政局", 手机号=" 139-0000-1111 "),
        member_row(city.a.committee, 姓名="李三", 身份证号=id3.lower(), 组织内职务="书记", 手机号=13800000000),
    ]
    before_audit = AuditEvent.objects.count()
    result = import_workbook("members", member_file(rows), actor=cadre)
    assert result.ok, result.errors
    assert result.summary["created"] == 3
    m1, m2, m3 = (Member.objects.get(name=n) for n in ("李一", "李二", "李三"))
    assert (m1.birth_date, m1.joined_on, m1.full_member_on) == (date(1980, 1, 1), date(2005, 7, 1), date(2006, 7, 1))
    assert m1.residence == city.a.building and m1.organization == city.a.branch
    assert (m2.gender, m2.status, m2.org_role, m2.in_service, m2.employer) == (
        "F", MemberStatus.PROBATIONARY, OrgRole.COMMITTEE_MEMBER, True, "市财政局")
    assert m2.phone == "13900001111" and m2.full_member_on is None
    assert m3.id_number == id3.upper() and m3.phone == "13800000000" and m3.org_role == OrgRole.SECRETARY
    for m, plain in ((m1, id1), (m2, id2), (m3, id3)):
        assert m.id_number_hash == keyed_hash(plain)
        assert m.phone_hash == keyed_hash(m.phone)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM organizations_member WHERE name IN ('李一', '李二', '李三')")
        raw = cur.fetchall()
    assert all(v.startswith("fernet:") for row in raw for v in row)
    assert not any(id1 in v or "13912345678" in v for row in raw for v in row)
    assert AuditEvent.objects.count() == before_audit + 1
    event = AuditEvent.objects.get(verb="import.members")
    assert event.changes["rows"] == 3 and id1 not in str(event.changes)


def test_bulk_create_fills_keyed_hashes(city):
    # a birth date of their own: the factories' members (born 19800101, sequence mod 1000) never clash
    ids = [valid_id_number(700 + i, "19750505") for i in range(3)]
    Member.objects.bulk_create([
        Member(name=f"批量{i}", gender="M", organization=city.a.branch, id_number=v, phone=f"1370000000{i}")
        for i, v in enumerate(ids)
    ])
    got = dict(Member.objects.filter(name__startswith="批量").values_list("id_number_hash", "phone_hash"))
    assert set(got) == {keyed_hash(v) for v in ids}
    assert all(len(h) == 64 for h in got.values())


def test_every_bad_member_row_is_reported_and_nothing_is_written(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    a, b = city.a, city.b
    good_id = valid_id_number(911)
    taken = Member.objects.get(pk=a.members[0].pk).id_number
    rows = [
        member_row(a.branch, 身份证号=good_id),                                    # 2: good
        member_row(a.branch, 姓名="", 性别="未知"),                                # 3
        member_row(a.branch, 出生日期="1980-13-01", 入党日期="去年"),               # 4
        member_row(a.branch, 手机号="12345"),                                       # 5
        member_row(a.branch, 身份证号="210602198001010000"),                        # 6: bad check digit
        member_row(a.branch, 身份证号=good_id),                                     # 7: duplicate in file
        member_row(a.branch, 身份证号=taken),                                       # 8: already registered
        member_row(a.branch, 所在党组织编码="NO-ORG"),                              # 9
        member_row(b.branch),                                                       # 10: org out of scope
        member_row(a.branch, 居住楼栋编码=a.compound.code),                         # 11: not a building
        member_row(a.branch, 居住楼栋编码=b.building.code),                         # 12: out of scope
        member_row(a.branch, 居住楼栋编码="NO-AREA"),                               # 13: missing
        member_row(a.branch, 党员状态="预备党员"),                                  # 14: probation + full date
        member_row(a.branch, 转正日期="2004-01-01"),                                # 15: full before joined
        member_row(a.branch, 出生日期="1995-01-01", 入党日期="2010-01-01", 转正日期=""),  # 16: under 18
        member_row(a.branch, 入党日期="2999-01-01", 转正日期=""),                   # 17: future
        member_row(a.branch, 出生日期="1981-01-01", 身份证号=valid_id_number(912)),  # 18: birth ≠ ID
        member_row(a.branch, 党员状态="", 组织内职务="组长", 是否在职党员="也许"),  # 19
        member_row(a.branch, 所在党组织编码=""),                                    # 20
    ]
    before = (Member.objects.count(), AuditEvent.objects.count())
    result = import_workbook("members", member_file(rows), actor=cadre)
    errs = errors_by_row(result)
    assert 2 not in errs
    assert errs[3] == ["姓名不能为空", "性别“未知”无效，只能填写：男、女"]
    assert errs[4] == [
        "出生日期“1980-13-01”不是有效日期，请填写如 2020-01-05、2020/1/5 或 2020年1月5日",
        "入党日期“去年”不是有效日期，请填写如 2020-01-05、2020/1/5 或 2020年1月5日",
    ]
    assert errs[5] == ["手机号“12345”不是有效的11位手机号码"]
    assert errs[6] == ["身份证号无效（应为18位，且校验位正确）"]
    assert errs[7] == ["身份证号与第 2 行重复"]
    assert errs[8] == [f"该身份证号已登记在本辖区党员“{a.members[0].name}”（编号 {a.members[0].pk}）名下，请直接修改该党员的信息"]
    assert errs[9] == ["所在党组织编码不存在或不在您的管辖范围内：NO-ORG"]
    assert errs[10] == [f"所在党组织编码不存在或不在您的管辖范围内：{b.branch.code}"]
    assert errs[11] == [f"居住楼栋编码“{a.compound.code}”是小区，只能填写楼栋或单元的编码"]
    assert errs[12] == [f"居住楼栋编码不存在或不在您的管辖范围内：{b.building.code}"]
    assert errs[13] == ["居住楼栋编码不存在或不在您的管辖范围内：NO-AREA"]
    assert errs[14] == ["预备党员不应填写转正日期"]
    assert errs[15] == ["转正日期不能早于入党日期"]
    assert errs[16] == ["入党时未满18周岁，请核对出生日期和入党日期"]
    assert errs[17] == ["入党日期不能晚于今天"]
    assert errs[18] == ["出生日期与身份证号中的出生日期不一致"]
    assert errs[19] == [
        "党员状态不能为空",
        "组织内职务“组长”无效，只能填写：书记、副书记、委员、党员",
        "是否在职党员“也许”无效，只能填写：是、否",
    ]
    assert errs[20] == ["所在党组织编码不能为空"]
    assert (Member.objects.count(), AuditEvent.objects.count()) == before
    assert not Member.objects.filter(id_number_hash=keyed_hash(good_id)).exists()


def test_validation_reports_progress_every_200_rows(city):
    rows = [member_row(city.a.branch, 姓名=f"党员{i}") for i in range(450)]
    sheet = importers.read_sheet(member_file(rows), "members")
    calls = []
    _rows, errors = validate_members(sheet, actor=None, progress=lambda done, total, phase: calls.append(done))
    assert not errors
    assert calls == [0, 200, 400, 450]


# ------------------------------------------------------------------ jobs and pages
def _upload(name, payload, content_type=XLSX):
    data = payload.getvalue() if hasattr(payload, "getvalue") else payload
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_browser_upload_runs_task_and_job_page_shows_success(client, city, django_capture_on_commit_callbacks):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)
    url = reverse("organizations:import_start", args=["areas"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("organizations:import_template", args=["areas"]) in html and "楼栋用途" in html
    f = area_file([[city.a.compound.code, "W1", "甲8号楼", "楼栋", "", 30, "住宅楼"]])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"file": _upload("楼栋.xlsx", f)})
    assert len(callbacks) == 1
    job = ImportJob.objects.get(created_by=cadre)
    assert response.status_code == 302 and response["Location"] == reverse("organizations:import_job", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.total_rows, job.processed_rows, job.summary["created"]) == (1, 1, 1)
    assert job.original_name == "楼栋.xlsx" and job.finished_at is not None
    assert Area.objects.get(code="W1").parent == city.a.compound
    page = client.get(response["Location"]).content.decode()
    assert "导入成功，共新建 1 条记录。" in page
    assert "hx-trigger" not in page
    assert AuditEvent.objects.filter(verb="import.areas", target_id=str(job.pk)).count() == 1


def test_browser_upload_with_bad_rows_shows_row_table(client, city, django_capture_on_commit_callbacks):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)
    before = Member.objects.count()
    f = member_file([member_row(city.a.branch), member_row(city.b.branch, 手机号="99")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organizations:import_start", args=["members"]), {"file": _upload("m.xlsx", f)})
    job = ImportJob.objects.get(created_by=cadre)
    assert job.status == ImportStatus.FAILED
    assert job.errors == [{"row": 3, "errors": [
        "手机号“99”不是有效的11位手机号码", "所在党组织编码不存在或不在您的管辖范围内：" + city.b.branch.code,
    ]}]
    assert Member.objects.count() == before
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page and "第 3 行" in page and "手机号“99”不是有效的11位手机号码" in page
    assert "文件中有 1 行未通过校验，没有写入任何数据。" in page


@pytest.mark.parametrize("name, payload, content_type, message", [
    ("a.csv", b"a,b", "text/csv", "只能导入 Excel 2007 及以上版本的 .xlsx 文件"),
    ("a.xlsx", b"not a workbook", XLSX, "这不是 Excel（.xlsx）文件"),
    ("a.xlsx", None, "image/png", "文件类型不是 Excel"),
])
def test_browser_refuses_bad_files_without_a_job(client, city, name, payload, content_type, message):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    payload = payload if payload is not None else area_file([["x", "y", "z", "楼栋"]]).getvalue()
    response = client.post(
        reverse("organizations:import_start", args=["areas"]), {"file": _upload(name, payload, content_type)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_browser_reports_missing_headers_from_the_worker_and_refuses_oversize(
        client, city, settings, django_capture_on_commit_callbacks):
    """The web request never parses the workbook: a file with the wrong columns becomes a
    job that the worker fails with the reason, shown on the job page."""
    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)
    url = reverse("organizations:import_start", args=["members"])
    for payload, message in (
        (area_file([["x", "y", "z", "楼栋"]]), "文件的列与“区域树”导入模板一致，请到导入区域树的页面上传。"),
        (xlsx(["姓名", "性别"], [["x", "男"]]), "文件缺少必需的列：党员状态、所在党组织编码。"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": _upload("a.xlsx", payload)})
        assert response.status_code == 302
        job = ImportJob.objects.filter(created_by=cadre).latest("pk")
        assert job.status == ImportStatus.FAILED and message in job.errors[0]["errors"][0]
        assert message in client.get(response["Location"]).content.decode()
    jobs = ImportJob.objects.count()
    settings.IMPORT_MAX_BYTES = 2000
    big = member_file([member_row(city.a.branch, 姓名=f"人{i}") for i in range(300)])
    response = client.post(url, {"file": _upload("big.xlsx", big)})
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert ImportJob.objects.count() == jobs


def test_progress_fragment_polls_until_finished(client, city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)
    job = ImportJob.objects.create(
        kind="areas", created_by=cadre, original_name="a.xlsx", file="imports/a.xlsx",
        status=ImportStatus.RUNNING, total_rows=400, processed_rows=200, summary={"phase": "validating"},
    )
    url = reverse("organizations:import_job_progress", args=[job.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and f'hx-get="{url}"' in html
    assert 'data-width="50"' in html and "已处理 200 / 400 行" in html and "正在校验" in html
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.SUCCEEDED, processed_rows=400,
                                               summary={"created": 400, "by_level": [], "trees": 1})
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "导入成功，共新建 400 条记录。" in html and 'data-width="100"' in html


def test_other_users_job_is_404_and_unknown_kind_404(client, city):
    owner = user_with(Role.COMMUNITY, city.a.area)
    job = ImportJob.objects.create(kind="areas", created_by=owner, original_name="a.xlsx", file="imports/a.xlsx")
    other = user_with(Role.ADMIN, city.city)
    client.force_login(other)
    assert client.get(reverse("organizations:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("organizations:import_job_progress", args=[job.pk])).status_code == 404
    assert client.get(reverse("organizations:import_start", args=["grids"])).status_code == 404
    assert client.get(reverse("organizations:import_template", args=["grids"])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("organizations:import_job", args=[job.pk])).status_code == 200


def test_non_importer_role_gets_403(client, city):
    grid_worker = user_with(Role.GRID, city.a.area)
    client.force_login(grid_worker)
    url = reverse("organizations:import_start", args=["members"])
    response = client.get(url)
    assert response.status_code == 403 and "您的角色无权导入数据" in response.content.decode()
    f = member_file([member_row(city.a.branch)])
    assert client.post(url, {"file": _upload("m.xlsx", f)}).status_code == 403
    assert not ImportJob.objects.exists()
    client.force_login(UserFactory())  # no grant at all
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("organizations:import_start", args=["areas"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_template_download_has_headers_and_help_sheet(client, city):
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    for kind, headers in (("areas", AREA_HEADERS), ("members", MEMBER_HEADERS)):
        response = client.get(reverse("organizations:import_template", args=[kind]))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [c.value for c in wb.worksheets[0][1]] == headers
        assert wb.sheetnames[1] == "填写说明"
        help_text = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
        for header in headers:
            assert header in help_text
        if kind == "areas":
            assert "市、区、街道、社区、小区、楼栋、单元" in help_text and "住宅楼、商务楼宇、商住混合" in help_text
        else:
            assert "书记、副书记、委员、党员" in help_text and "正式党员、预备党员" in help_text
        # the template imports as "no data rows", not as a header error
        result = import_workbook(kind, io.BytesIO(response.content), actor=None)
        assert result.errors == [{"row": None, "errors": ["文件中没有数据行。"]}]


def test_task_is_idempotent_and_errors_are_recorded(city, monkeypatch, django_capture_on_commit_callbacks):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    f = area_file([[city.a.compound.code, "J1", "甲10号楼", "楼栋", "", None, ""]])
    with django_capture_on_commit_callbacks(execute=True):
        job = importers.import_job_submit(actor=cadre, kind="areas", upload=_upload("j.xlsx", f))
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    count, finished_at = Area.objects.count(), job.finished_at
    run_import_job(job.pk)  # a second delivery of the same task does nothing
    job.refresh_from_db()
    assert Area.objects.count() == count and job.finished_at == finished_at
    assert AuditEvent.objects.filter(verb="import.areas").count() == 1

    f = area_file([[city.a.compound.code, "J2", "甲11号楼", "楼栋", "", None, ""]])
    with django_capture_on_commit_callbacks(execute=False):
        job2 = importers.import_job_submit(actor=cadre, kind="areas", upload=_upload("j2.xlsx", f))

    def boom(rows):
        Area.objects.create(name="半截", code="HALF", level=AreaLevel.BUILDING, parent=city.a.compound)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importers, "write_areas", boom)
    run_import_job(job2.pk)
    job2.refresh_from_db()
    assert job2.status == ImportStatus.ERROR and "disk on fire" in job2.summary["error"]
    assert not Area.objects.filter(code__in=["HALF", "J2"]).exists()  # rolled back


def test_import_requires_an_import_role():
    with pytest.raises(importers.ImportPermissionError):
        importers.import_job_submit(
            actor=UserFactory(), kind="areas", upload=_upload("a.xlsx", area_file([["", "A", "B", "市"]]))
        )


# -------------------------------------------------------------- management commands
def _save(tmp_path, name, buf):
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return str(path)


def test_import_commands_succeed_and_fail(city, tmp_path, capsys):
    good = _save(tmp_path, "areas.xlsx", area_file([["", "CMD-C", "命令市", "市", "", None, ""]]))
    call_command("import_areas", good)
    assert Area.objects.get(code="CMD-C").level == AreaLevel.CITY
    assert "导入成功" in capsys.readouterr().out
    system_job = ImportJob.objects.get(is_system=True)
    assert system_job.created_by is None and system_job.status == ImportStatus.SUCCEEDED
    from dangjian.models import AuditEvent

    assert AuditEvent.objects.get(verb="import.areas").target_id == str(system_job.pk)

    bad = _save(tmp_path, "bad.xlsx", area_file([
        ["CMD-C", "CMD-D", "命令区", "区", "", None, ""],
        ["CMD-C", "CMD-X", "", "乡", "", None, ""],
    ]))
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("import_areas", bad)
    err = capsys.readouterr().err
    assert "第 3 行：名称不能为空；层级“乡”无效" in err
    assert not Area.objects.filter(code="CMD-D").exists()

    cadre = user_with(Role.COMMUNITY, city.a.area, username="cadre-a")
    members = _save(tmp_path, "m.xlsx", member_file([member_row(city.a.branch, 姓名="命令党员")]))
    call_command("import_members", members, user="cadre-a")
    assert Member.objects.filter(name="命令党员").count() == 1
    job = ImportJob.objects.get(created_by=cadre)
    assert job.status == ImportStatus.SUCCEEDED and job.original_name == "m.xlsx"

    out_of_scope = _save(tmp_path, "m2.xlsx", member_file([member_row(city.b.branch, 姓名="越界")]))
    with pytest.raises(CommandError):
        call_command("import_members", out_of_scope, user="cadre-a")
    assert "所在党组织编码不存在或不在您的管辖范围内" in capsys.readouterr().err
    call_command("import_members", out_of_scope)  # the system import has global scope
    assert Member.objects.filter(name="越界").count() == 1

    with pytest.raises(CommandError, match="不存在"):
        call_command("import_members", members, user="nobody")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_areas", str(tmp_path / "missing.xlsx"))
    txt = tmp_path / "a.txt"
    txt.write_text("hello")
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("import_areas", str(txt))
    grid = user_with(Role.GRID, city.a.area, username="grid-a")
    with pytest.raises(CommandError, match="无权导入"):
        call_command("import_members", members, user=grid.username)


def test_large_area_file_keeps_tree_consistent():
    c = build_city(members_per_community=0)
    rows = []
    for i in range(30):
        rows.append([c.a.compound.code, f"L{i}", f"大楼{i}", "楼栋", "", i, "住宅楼"])
        for j in range(3):
            rows.append([f"L{i}", f"L{i}-{j}", f"{j + 1}单元", "单元", "", 1, ""])
    rows.reverse()  # every child before its parent
    result = import_workbook("areas", area_file(rows), actor=None)
    assert result.ok, result.errors[:3]
    assert Area.objects.get(pk=c.a.compound.pk).get_descendant_count() == 1 + 30 * 4
    assert_tree_invariants()


def test_oversize_body_is_refused_before_reading(client, city, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    response = client.post(
        reverse("organizations:import_start", args=["areas"]),
        {"file": _upload("huge.xlsx", b"\0" * (70 * 1024))},
    )
    assert response.status_code == 400 and "文件过大，上限为 1000 B" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_job_pages_run_a_constant_number_of_queries(client, city):
    from dangjian.testing import assert_max_queries
    from organizations.tests.budgets import BUDGETS

    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)

    def failed_job(n):
        return ImportJob.objects.create(
            kind="members", created_by=cadre, original_name="m.xlsx", file="imports/m.xlsx",
            status=ImportStatus.FAILED, total_rows=n, processed_rows=n,
            errors=[{"row": i + 2, "errors": ["手机号“1”不是有效的11位手机号码"]} for i in range(n)],
        )

    small, large = failed_job(2), failed_job(300)
    for job, n in ((small, 2), (large, 300)):
        with assert_max_queries(BUDGETS["organizations:import_job"]):
            html = client.get(reverse("organizations:import_job", args=[job.pk])).content.decode()
        assert html.count("手机号“1”不是有效的11位手机号码") == n
        with assert_max_queries(BUDGETS["organizations:import_job_progress"]):
            client.get(reverse("organizations:import_job_progress", args=[job.pk]))
    start = reverse("organizations:import_start", args=["members"])
    with assert_max_queries(BUDGETS["organizations:import_start"]):
        assert client.get(start).status_code == 200
    for _ in range(12):
        failed_job(1)
    with assert_max_queries(BUDGETS["organizations:import_start"]):
        html = client.get(start).content.decode()
    jobs_prefix = reverse("organizations:import_job", args=[large.pk]).replace(f"/{large.pk}/", "/")
    assert html.count(f'href="{jobs_prefix}') == 10  # the ten most recent jobs
