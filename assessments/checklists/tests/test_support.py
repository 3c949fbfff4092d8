"""Helpers for the four-lists tests (no tests here): a small world of cadres and lists
moved through the real actions."""
import io
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.checklists import actions
from assessments.checklists.choices import ItemKind, ProblemSource
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

TODAY = timezone.localdate()
YEAR = TODAY.year


@dataclass
class World:
    city: object
    a_cadre: object  # 社区党委 granted on community A's area
    b_cadre: object
    street: object  # 街道党工委 granted on the street area
    district: object
    grid: object  # 网格员 on community A (sees, never writes)


def make_world(prefix="") -> World:
    c = build_city()
    return World(
        city=c,
        a_cadre=user_with(Role.COMMUNITY, c.a.area, username=f"{prefix}a-cadre"),
        b_cadre=user_with(Role.COMMUNITY, c.b.area, username=f"{prefix}b-cadre"),
        street=user_with(Role.STREET, c.street, username=f"{prefix}street"),
        district=user_with(Role.DISTRICT, c.district, username=f"{prefix}district"),
        grid=user_with(Role.GRID, c.a.area, username=f"{prefix}grid"),
    )


def draft(org, editor, *, year=YEAR, responsibilities=2, assessments=1):
    checklist = actions.checklist_create(actor=editor, org=org, year=year)
    for i in range(responsibilities):
        actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.RESPONSIBILITY, title=f"责任{i + 1}",
                                   owner="张书记", due_on=date(year, 12, 31))
    for i in range(assessments):
        actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.ASSESSMENT, title=f"考核{i + 1}",
                                   max_points=10, due_on=date(year, 12, 31))
    return checklist


def approved(org, editor, reviewer, **kwargs):
    checklist = draft(org, editor, **kwargs)
    actions.checklist_submit(actor=editor, checklist=checklist)
    return actions.checklist_approve(actor=reviewer, checklist=checklist)


def problem_with_fixes(checklist, editor, n=2, *, due_on=None):
    problem = actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.PROBLEM, title="楼道堆物",
                                         source=ProblemSource.MONTHLY)
    fixes = [
        actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.RECTIFICATION, title=f"整改{i + 1}",
                                   problem=problem, due_on=due_on or TODAY + timedelta(days=30))
        for i in range(n)
    ]
    return problem, fixes


def pdf_file(name="evidence.pdf", size=None):
    body = b"%PDF-1.4\n" + b"0" * ((size or 200) - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png_file(name="photo.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def docx_file(name="report.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())
