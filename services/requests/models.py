from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.models import StatusEvent, status_fields
from dangjian.privacy import mask_phone, mask_public_text
from dangjian.scoping import InArea, ScopedQuerySet
from organizations.members.models import Member
from services.requests.choices import REQUEST_WORKFLOW, AssigneeKind, RequestSource, RequestStatus
from services.resident.choices import Satisfaction, public_text


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


class VolunteerTeamQuerySet(ScopedQuerySet):
    scope_paths = (InArea("community"),)


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


class ServiceRequestQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """Requests a signed-in user may open: every request of the communities their
        roster role covers, and the requests dispatched to them (as the member, the grid
        worker, or a member or leader of the volunteer team).  Residents follow theirs by
        code."""
        from services.resident.permissions import WISH_READ_ROLES

        q = InArea("community", WISH_READ_ROLES).q(self, scope, user)
        q |= Q(assigned_member__user_id=user.pk) | Q(assigned_worker__user_id=user.pk)
        teams = VolunteerTeam.objects.filter(Q(leader__user_id=user.pk) | Q(members__user_id=user.pk)).values("pk")
        q |= Q(assigned_team__in=teams)
        return q

    def within(self, area):
        return self.filter(
            trees.subtree_q(area, "community")
        )


def request_photo_path(instance, filename):
    return f"requests/{instance.community_id}/{filename}"


class ServiceRequest(models.Model):
    """A resident's request (点单), dispatched by the community (派单), accepted and resolved
    by a member, a grid worker or a volunteer team (接单), rated by the resident (评单).
    ``response_due`` and ``resolve_due`` are computed from the category when it is created
    (``services.requests.sla``)."""

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
    resolve_photo = models.FileField(_("办结照片"), upload_to=request_photo_path, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("点单时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()
    workflow = REQUEST_WORKFLOW

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

    @property
    def public_text(self):
        """The text for public pages: once the community dispatched it (reviewed), phone and ID
        numbers masked."""
        return public_text(self.text, reviewed=self.dispatched_at is not None)

    @property
    def public_cancel_reason(self):
        return mask_public_text(self.cancel_reason)

    @property
    def public_resolve_note(self):
        """The assignee's note on the result, for the resident's pages (numbers masked)."""
        return mask_public_text(self.resolve_note)

    def make_event(self, *, actor, from_status, to_status, note=""):
        return RequestEvent.of(request=self, actor=actor, from_status=from_status, to_status=to_status, note=note)


class RequestEvent(StatusEvent):
    subject = "request"

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("诉求"))
    from_status, to_status = status_fields(RequestStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("诉求进展")
        verbose_name_plural = _("诉求进展")
        indexes = [models.Index(fields=["request", "at"], name="request_event_at")]
