from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.models import StatusEvent, status_fields
from dangjian.privacy import mask_phone, mask_public_text
from dangjian.scoping import ScopedQuerySet
from organizations.members.models import Member
from services.resident.choices import Satisfaction, public_text
from services.wishes.choices import WISH_WORKFLOW, ClaimantKind, WishKind, WishStatus


# --------------------------------------------------------------------------- micro-wishes
class WishQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """Wishes a signed-in user may open: every wish of the communities their roster
        role covers; the published wishes on the walls they see; the wishes they (or an
        organization they manage) claimed.  Residents follow their wish by code instead."""
        from services.resident.permissions import WISH_READ_ROLES, member_community
        from services.wishes.choices import WALL_STATUSES
        from services.wishes.permissions import WISH_ORG_CLAIM_ROLES

        q = trees.ranges_q(scope.areas_for(WISH_READ_ROLES), "community")
        wall = trees.ranges_q(scope.area_ranges, "community")
        community = member_community(user)
        if community is not None:
            wall |= Q(community_id=community.pk)
        if wall is not trees.NOTHING:
            q |= Q(status__in=WALL_STATUSES) & wall
        q |= Q(claimed_member__user_id=user.pk)
        org_ranges = scope.orgs_for(WISH_ORG_CLAIM_ROLES)
        area_ranges = scope.areas_for(WISH_ORG_CLAIM_ROLES)
        if org_ranges:
            q |= trees.ranges_q(org_ranges, "claimed_org")
        if area_ranges:
            q |= trees.ranges_q(area_ranges, "claimed_org__area")
        return q

    def within(self, area):
        return self.filter(trees.subtree_q(area, "community"))


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
    rating = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WishQuerySet.as_manager()
    workflow = WISH_WORKFLOW

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
    def public_text(self):
        """The text for public pages: once published (reviewed), phone and ID numbers masked."""
        return public_text(self.text, reviewed=self.published_at is not None)

    @property
    def public_reject_reason(self):
        return mask_public_text(self.reject_reason)

    @property
    def public_cancel_reason(self):
        return mask_public_text(self.cancel_reason)

    @property
    def public_fulfil_note(self):
        """The claimant's note on the fulfilment, for the resident's pages (numbers masked)."""
        return mask_public_text(self.fulfil_note)

    @property
    def claimant_kind(self):
        if self.claimed_member_id is not None:
            return ClaimantKind.MEMBER
        if self.claimed_org_id is not None:
            return ClaimantKind.ORG
        return None

    def make_event(self, *, actor, from_status, to_status, note=""):
        """The event row ``dangjian.workflow.transition`` records for a change of this wish."""
        return WishEvent.of(wish=self, actor=actor, from_status=from_status, to_status=to_status, note=note)


class WishEvent(StatusEvent):
    subject = "wish"

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events", verbose_name=_("心愿"))
    from_status, to_status = status_fields(WishStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("心愿进展")
        verbose_name_plural = _("心愿进展")
        indexes = [models.Index(fields=["wish", "at"], name="wish_event_wish_at")]
