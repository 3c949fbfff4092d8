"""Records shared by the services to residents.  ``ServiceRecord`` is the one ledger of a
member's service hours ("fill once"): attended service activities, fulfilled wishes and
accepted requests each add one row, keyed by their source so re-recording is harmless."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.privacy import mask_phone
from organizations.members.models import Member
from services.choices import (
    AgreementStatus,
    AssigneeKind,
    ClaimantKind,
    EscalationStage,
    RequestSource,
    RequestStatus,
    Satisfaction,
    TargetStatus,
    WhistleSource,
    WhistleStatus,
    WishKind,
    WishRating,
    WishStatus,
)


class ServiceSource(models.TextChoices):
    ACTIVITY = "activity", _("组织生活/志愿服务活动")
    WISH = "wish", _("微心愿")
    REQUEST = "request", _("居民诉求")


class ServiceRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(member__in=Member.objects.visible_to(user).values("pk"))


class ServiceRecord(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="service_records", verbose_name=_("党员"))
    source = models.CharField(_("来源"), max_length=16, choices=ServiceSource.choices)
    source_id = models.PositiveBigIntegerField(_("来源记录编号"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    occurred_on = models.DateField(_("服务日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务时长记录")
        verbose_name_plural = _("服务时长记录")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "member"], name="service_record_once_per_source"),
        ]
        indexes = [models.Index(fields=["member", "occurred_on"], name="service_member_date")]

    def __str__(self):
        return f"{self.member} {self.hours}h ({self.get_source_display()})"


# --------------------------------------------------------------------------- micro-wishes
class WishQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Wishes a signed-in user may open: every wish of the communities their roster
        role covers; the published wishes on the walls they see; the wishes they (or an
        organization they manage) claimed.  Residents follow their wish by code instead."""
        from dangjian.scoping import NOTHING, get_scope, range_q
        from services.choices import WALL_STATUSES
        from services.permissions import WISH_ORG_CLAIM_ROLES, WISH_READ_ROLES, member_community

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        q = range_q("community", scope.areas_for(WISH_READ_ROLES))
        wall = range_q("community", scope.area_ranges)
        community = member_community(user)
        if community is not None:
            wall |= Q(community_id=community.pk)
        if wall is not NOTHING:
            q |= Q(status__in=WALL_STATUSES) & wall
        q |= Q(claimed_member__user_id=user.pk)
        org_ranges = scope.orgs_for(WISH_ORG_CLAIM_ROLES)
        area_ranges = scope.areas_for(WISH_ORG_CLAIM_ROLES)
        if org_ranges:
            q |= range_q("claimed_org", org_ranges)
        if area_ranges:
            q |= range_q("claimed_org__area", area_ranges)
        return self.filter(q)

    def within(self, area):
        return self.filter(
            community__tree_id=area.tree_id, community__lft__gte=area.lft, community__lft__lte=area.rght
        )


def wish_photo_path(instance, filename):
    return f"wishes/{instance.community_id}/{filename}"


class Wish(models.Model):
    """A resident's micro-wish (微心愿), followed by its tracking ``code``."""

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="wishes", verbose_name=_("社区")
    )
    building = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="building_wishes",
        verbose_name=_("楼栋"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    requester_name = EncryptedCharField(_("心愿人姓名"), max_plain_length=50)
    requester_phone = EncryptedCharField(_("联系电话"), max_plain_length=20)
    requester_phone_hash = KeyedHashField(source="requester_phone", db_index=True)
    kind = models.CharField(_("心愿类别"), max_length=16, choices=WishKind.choices)
    text = models.TextField(_("心愿内容"), max_length=1000)
    photo = models.FileField(_("照片"), upload_to=wish_photo_path, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=WishStatus.choices, default=WishStatus.SUBMITTED)
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    claimed_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_wishes",
        verbose_name=_("认领党员"),
    )
    claimed_org = models.ForeignKey(
        "organizations.PartyOrg", null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_wishes",
        verbose_name=_("认领党组织"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("认领操作人"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    fulfil_note = models.TextField(_("完成情况"), max_length=1000, blank=True)
    fulfil_photo = models.FileField(_("完成照片"), upload_to=wish_photo_path, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=WishRating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_member__isnull=True) | Q(claimed_org__isnull=True), name="wish_one_claimant"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="wish_community_status"),
            models.Index(fields=["status", "fulfilled_at"], name="wish_status_fulfilled"),
        ]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()}心愿"

    @property
    def requester_phone_masked(self):
        return mask_phone(self.requester_phone)

    @property
    def claimant_kind(self):
        if self.claimed_member_id is not None:
            return ClaimantKind.MEMBER
        if self.claimed_org_id is not None:
            return ClaimantKind.ORG
        return None

    def make_event(self, *, actor, from_status, to_status, note=""):
        """The event row ``services.actions.transition`` records for a change of this wish."""
        return WishEvent(
            wish=self, actor=actor if getattr(actor, "pk", None) else None,
            from_status=from_status, to_status=to_status, note=(note or "")[:500],
        )


class WishEvent(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events", verbose_name=_("心愿"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=WishStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=WishStatus.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("心愿进展")
        verbose_name_plural = _("心愿进展")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["wish", "at"], name="wish_event_wish_at")]

    def __str__(self):
        return f"{self.wish_id}: {self.from_status or '—'} → {self.to_status}"


# ----------------------------------------------------------------- requests (点单-派单-接单-评单)
class RequestCategory(models.Model):
    """A kind of resident request with its time limits (data, editable in the admin).  The
    defaults (migration 0004) follow the 接诉即办 limits: emergency 2 h; water, power, gas
    and heating 24 h; general 7 days; complex 15 days."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    response_minutes = models.PositiveIntegerField(_("响应时限（分钟）"))
    resolve_minutes = models.PositiveIntegerField(_("办结时限（分钟）"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class VolunteerTeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("community", scope.area_ranges))


class VolunteerTeam(models.Model):
    """A community's volunteer service team (志愿服务队) a request can be dispatched to."""

    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="volunteer_teams", verbose_name=_("社区")
    )
    name = models.CharField(_("队伍名称"), max_length=100)
    leader = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams", verbose_name=_("队长")
    )
    members = models.ManyToManyField(Member, blank=True, related_name="volunteer_teams", verbose_name=_("队员"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = VolunteerTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_in_community")]

    def __str__(self):
        return self.name


class ServiceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests a signed-in user may open: every request of the communities their
        roster role covers, and the requests dispatched to them (as the member, the grid
        worker, or a member or leader of the volunteer team).  Residents follow theirs by
        code."""
        from dangjian.scoping import get_scope, range_q
        from services.permissions import WISH_READ_ROLES

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        q = range_q("community", scope.areas_for(WISH_READ_ROLES))
        q |= Q(assigned_member__user_id=user.pk) | Q(assigned_worker__user_id=user.pk)
        teams = VolunteerTeam.objects.filter(Q(leader__user_id=user.pk) | Q(members__user_id=user.pk)).values("pk")
        q |= Q(assigned_team__in=teams)
        return self.filter(q)

    def within(self, area):
        return self.filter(
            community__tree_id=area.tree_id, community__lft__gte=area.lft, community__lft__lte=area.rght
        )


def request_photo_path(instance, filename):
    return f"requests/{instance.community_id}/{filename}"


class ServiceRequest(models.Model):
    """A resident's request (点单), dispatched by the community (派单), accepted and resolved
    by a member, a grid worker or a volunteer team (接单), rated by the resident (评单).
    ``response_due`` and ``resolve_due`` are computed from the category when it is created
    (``services.sla``)."""

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("社区")
    )
    building = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="building_requests",
        verbose_name=_("楼栋"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    requester_name = EncryptedCharField(_("诉求人姓名"), max_plain_length=50)
    requester_phone = EncryptedCharField(_("联系电话"), max_plain_length=20)
    requester_phone_hash = KeyedHashField(source="requester_phone", db_index=True)
    category = models.ForeignKey(RequestCategory, on_delete=models.PROTECT, related_name="requests", verbose_name=_("类别"))
    text = models.TextField(_("诉求内容"), max_length=1000)
    photo = models.FileField(_("照片"), upload_to=request_photo_path, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=RequestSource.choices, default=RequestSource.WEB)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    response_due = models.DateTimeField(_("响应截止"))
    resolve_due = models.DateTimeField(_("办结截止"))
    assignee_kind = models.CharField(_("承办类型"), max_length=16, choices=AssigneeKind.choices, blank=True)
    assigned_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests",
        verbose_name=_("承办党员"),
    )
    assigned_worker = models.ForeignKey(
        "grids.GridTeamMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests",
        verbose_name=_("承办网格员"),
    )
    assigned_team = models.ForeignKey(
        VolunteerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests",
        verbose_name=_("承办志愿服务队"),
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("派单人"),
    )
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("接单人"),
    )
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolve_note = models.TextField(_("办理结果"), max_length=1000, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("点单时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民诉求")
        verbose_name_plural = _("居民诉求")
        indexes = [
            models.Index(fields=["community", "status"], name="request_community_status"),
            models.Index(fields=["created_at"], name="request_created"),
            models.Index(fields=["updated_at"], name="request_updated"),
        ]

    def __str__(self):
        return f"{self.code} {self.category_id and self.category.name or ''}"

    @property
    def requester_phone_masked(self):
        return mask_phone(self.requester_phone)

    def make_event(self, *, actor, from_status, to_status, note=""):
        return RequestEvent(
            request=self, actor=actor if getattr(actor, "pk", None) else None,
            from_status=from_status, to_status=to_status, note=(note or "")[:500],
        )


class RequestEvent(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("诉求"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=RequestStatus.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求进展")
        verbose_name_plural = _("诉求进展")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="request_event_at")]

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '—'} → {self.to_status}"


class Open311Key(models.Model):
    """An api_key for POSTing service requests through Open311 (stored as a keyed hash)."""

    name = models.CharField(_("接入方"), max_length=100)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 接入密钥")
        verbose_name_plural = _("Open311 接入密钥")

    def __str__(self):
        return self.name


# ------------------------------------------------------------------------ whistles (吹哨报到)
class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Departments of the areas above or inside the user's grants (a community cadre
        whistles to its district's departments), and those the user answers for."""
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        q = range_q("area", scope.area_ranges)
        for r in scope.area_ranges:
            q |= Q(area__tree_id=r.tree_id, area__lft__lte=r.lft, area__rght__gte=r.rght)
        q |= Q(pk__in=Responder.objects.filter(user_id=getattr(user, "pk", None)).values("department_id"))
        return self.filter(q)


class Department(models.Model):
    """A functional department (职能部门) of a district or street that whistles can name."""

    name = models.CharField(_("部门名称"), max_length=100)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区域"),
        help_text=_("部门所在的区或街道"),
    )
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="department_unique_in_area")]

    def __str__(self):
        return self.name


class Responder(models.Model):
    """A user account that answers whistles for a department or a resident unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responder_for", verbose_name=_("账号")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="responders", verbose_name=_("职能部门")
    )
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="responders",
        verbose_name=_("驻区单位"),
    )

    class Meta:
        verbose_name = _("报到账号")
        verbose_name_plural = _("报到账号")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(unit__isnull=True))
                | (Q(department__isnull=True) & Q(unit__isnull=False)),
                name="responder_one_party",
            ),
            models.UniqueConstraint(fields=["user", "department"], name="responder_unique_department"),
            models.UniqueConstraint(fields=["user", "unit"], name="responder_unique_unit"),
        ]

    def __str__(self):
        return f"{self.user} → {self.department or self.unit}"


def responder_q(user, prefix=""):
    """Rows (by ``prefix`` to a WhistleTarget) whose department or unit ``user`` answers for."""
    mine = Responder.objects.filter(user_id=getattr(user, "pk", None))
    return Q(**{f"{prefix}department__in": mine.filter(department__isnull=False).values("department_id")}) | Q(
        **{f"{prefix}unit__in": mine.filter(unit__isnull=False).values("unit_id")}
    )


class WhistleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whistles of the areas the user manages (where they were whistled, or where they
        were escalated to), and the whistles naming a department or unit the user answers
        for — a department sees only whistles sent to it."""
        from dangjian.scoping import get_scope, range_q
        from organizations.grants.choices import MANAGE_ROLES

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        ranges = scope.areas_for(MANAGE_ROLES)
        q = range_q("area", ranges) | range_q("escalated_to", ranges)
        q |= Q(pk__in=WhistleTarget.objects.filter(responder_q(user)).values("whistle_id"))
        return self.filter(q)


class WhistleTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(whistle__in=Whistle.objects.visible_to(user).values("pk"))

    def answered_by(self, user):
        return self.filter(responder_q(user))


class Whistle(models.Model):
    """A problem a street or community cannot solve alone (吹哨).  ``area`` is where it was
    whistled; ``escalated_to`` the area it has been escalated to (one level up per overdue
    stage, by the periodic task)."""

    code = models.CharField(_("编号"), max_length=16, unique=True)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="whistles", verbose_name=_("吹哨区域")
    )
    title = models.CharField(_("事项"), max_length=100)
    description = models.TextField(_("情况说明"), max_length=2000)
    source = models.CharField(_("来源"), max_length=16, choices=WhistleSource.choices, default=WhistleSource.NEW)
    source_id = models.PositiveBigIntegerField(_("来源记录编号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.OPEN)
    report_due = models.DateTimeField(_("报到截止"))
    resolve_due = models.DateTimeField(_("办结截止"))
    escalated_to = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_whistles",
        verbose_name=_("已升级至"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("吹哨人")
    )
    created_at = models.DateTimeField(_("吹哨时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("吹哨事项")
        verbose_name_plural = _("吹哨事项")
        indexes = [
            models.Index(fields=["area", "status"], name="whistle_area_status"),
            models.Index(fields=["status", "resolve_due"], name="whistle_status_due"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def make_event(self, *, actor, from_status, to_status, note="", target=None):
        return WhistleEvent(
            whistle=self, target=target, actor=actor if getattr(actor, "pk", None) else None,
            from_status=from_status, to_status=to_status, note=(note or "")[:500],
        )


class WhistleTarget(models.Model):
    """One department or resident unit named by a whistle, with its own progress."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="targets", verbose_name=_("吹哨事项"))
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="whistle_targets",
        verbose_name=_("职能部门"),
    )
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="whistle_targets",
        verbose_name=_("驻区单位"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.NOTIFIED)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("报到人"),
    )
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    resolved_at = models.DateTimeField(_("办理完毕时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalation_stage = models.PositiveSmallIntegerField(
        _("升级阶段"), choices=EscalationStage.choices, default=EscalationStage.NONE
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WhistleTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("被吹哨单位")
        verbose_name_plural = _("被吹哨单位")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(unit__isnull=True))
                | (Q(department__isnull=True) & Q(unit__isnull=False)),
                name="target_one_party",
            ),
            models.UniqueConstraint(fields=["whistle", "department"], name="target_unique_department"),
            models.UniqueConstraint(fields=["whistle", "unit"], name="target_unique_unit"),
        ]
        indexes = [models.Index(fields=["status", "escalation_stage"], name="target_status_stage")]

    def __str__(self):
        return f"{self.whistle_id} → {self.department or self.unit}"

    @property
    def party(self):
        return self.department or self.unit

    def make_event(self, *, actor, from_status, to_status, note=""):
        return WhistleEvent(
            whistle_id=self.whistle_id, target=self, actor=actor if getattr(actor, "pk", None) else None,
            from_status=from_status, to_status=to_status, note=(note or "")[:500],
        )


class WhistleEvent(models.Model):
    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="events", verbose_name=_("吹哨事项"))
    target = models.ForeignKey(
        WhistleTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("单位")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("吹哨进展")
        verbose_name_plural = _("吹哨进展")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["whistle", "at"], name="whistle_event_at")]

    def __str__(self):
        return f"{self.whistle_id}: {self.from_status or '—'} → {self.to_status}"


# ----------------------------------------------------------------------- 双报到 (reporting in)
class CoBuildAgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agreements of the communities in the user's areas and of the organizations in
        their organization grants."""
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(
            range_q("community", scope.area_ranges) | range_q("org", scope.org_ranges) | range_q("org__area", scope.area_ranges)
        )


class CoBuildAgreement(models.Model):
    """An organization's report to its location community (共建): a pairing with compound
    branches there, under an agreement text, between two dates."""

    org = models.ForeignKey(
        "organizations.PartyOrg", on_delete=models.PROTECT, related_name="cobuild_agreements",
        verbose_name=_("报到党组织"),
    )
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="cobuild_agreements", verbose_name=_("报到社区")
    )
    branches = models.ManyToManyField(
        "organizations.PartyOrg", blank=True, related_name="cobuild_partners", verbose_name=_("结对小区党支部")
    )
    title = models.CharField(_("协议名称"), max_length=100)
    text = models.TextField(_("共建内容"), max_length=5000)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = CoBuildAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_dates_ordered"),
        ]

    def __str__(self):
        return self.title


class MemberReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports to the communities the user's roster role covers, and the reports of
        the members they may see (the employer side)."""
        from dangjian.scoping import get_scope, range_q

        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(
            range_q("community", scope.area_ranges) | Q(member__in=Member.objects.visible_to(user).values("pk"))
        )


class MemberReport(models.Model):
    """An in-service member's report to their residence community (在职党员到社区报到),
    valid for a period (half a year by default) after which they report again."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="community_reports", verbose_name=_("党员"))
    community = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="member_reports", verbose_name=_("报到社区")
    )
    reported_on = models.DateField(_("报到日期"))
    valid_until = models.DateField(_("有效期至"))
    skills = models.CharField(_("特长与服务意向"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MemberReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        constraints = [
            models.UniqueConstraint(fields=["member", "reported_on"], name="member_report_once_a_day"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("reported_on")), name="report_valid_after"),
        ]
        indexes = [models.Index(fields=["community", "valid_until"], name="report_community_valid")]

    def __str__(self):
        return f"{self.member} → {self.community} {self.reported_on}"
