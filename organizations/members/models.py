from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.privacy import mask_id_number, mask_phone
from dangjian.scoping import InArea, InOrg, ScopedQuerySet
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.choices import (
    ROSTER_ROLES,
    AccessChannel,
    AccessKind,
    ContactState,
    Education,
    Ethnicity,
    Gender,
    MemberStatus,
    Occupation,
    OrgRole,
)
from organizations.orgs.models import PartyOrg


# ----------------------------------------------------------------------------- members
def current_q(prefix: str = "") -> Q:
    """The members the organization counts now: every record but one transferred out of the
    portal by an introduction letter (kept for its history, 组织关系转接) — the one definition of
    the roster, the area and organization figures, the dashboard and the 双报到 figures;
    ``prefix`` reaches the member through a relation (``"members__"``)."""
    return ~Q(**{f"{prefix}contact_state": ContactState.TRANSFERRED_OUT})


class MemberQuerySet(ScopedQuerySet):
    # a roster role over the residence, the organization or the organization's area
    scope_paths = (
        InArea("residence", ROSTER_ROLES), InArea("organization__area", ROSTER_ROLES), InOrg("organization", ROSTER_ROLES),
    )

    def scope_q(self, scope, user):
        """The rule of ``scope_paths``, read from the members' own place columns: a granted area
        at the city, district, street or community level is one indexed equality on the
        residence's and on the organization's chain (``places.residing_q``/``anchored_q``), not a
        join to both areas; deeper grants fall back to a subquery of their areas."""
        from organizations.members.places import anchored_q, residing_q

        parts = [residing_q(r) | anchored_q(r) for r in scope.areas_for(ROSTER_ROLES)]
        orgs = scope.orgs_for(ROSTER_ROLES)
        if orgs:
            parts.append(InOrg("organization", ROSTER_ROLES).q(self, scope, user))
        q = Q(user_id=user.pk)  # every member may see their own record
        for part in parts:
            q |= part
        return q

    def current(self):
        """The members the organization counts now (``current_q``)."""
        return self.filter(current_q())

    def residing_within(self, area):
        from organizations.members.places import residing_q

        return self.filter(residing_q(area))


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    # 党内统计's standard fields (organizations.statistics); older records have none, and the
    # bulk loaders (the demo, imports) may leave them out
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity.choices, blank=True, default="", db_default="")
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices, blank=True, default="", db_default="")
    occupation = models.CharField(
        _("职业类别"), max_length=24, choices=Occupation.choices, blank=True, default="", db_default=""
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党日期（政治生日）"), null=True, blank=True)
    full_member_on = models.DateField(_("转正日期"), null=True, blank=True)
    status = models.CharField(_("党员状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL)
    organization = models.ForeignKey(
        PartyOrg, on_delete=models.PROTECT, related_name="members", verbose_name=_("组织关系所在支部")
    )
    org_role = models.CharField(_("组织内职务"), max_length=16, choices=OrgRole.choices, default=OrgRole.MEMBER)
    residence = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="residents", verbose_name=_("居住楼栋")
    )
    in_service = models.BooleanField(_("在职党员"), default=False)
    employer = models.CharField(_("工作单位"), max_length=120, blank=True)
    employer_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="employed_members",
        verbose_name=_("工作单位党组织"),
    )
    # 组织关系转接 (organizations.transfers): lost contact, 流动党员 (with the place and the contact
    # branch), transferred out of the portal (kept, not counted among current members)
    contact_state = models.CharField(
        _("党员状况"), max_length=8, choices=ContactState.choices, default=ContactState.NORMAL,
        db_default=ContactState.NORMAL, db_index=True,  # bulk loaders (the demo, imports) leave it out
    )
    mobile_place = models.CharField(_("流动去向（外出地点）"), max_length=120, blank=True, default="", db_default="")
    contact_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_members",
        verbose_name=_("流动党员联系支部"),
    )
    state_since = models.DateField(_("状况开始日期"), null=True, blank=True)
    phone = EncryptedCharField(_("手机号"), max_plain_length=20)
    phone_hash = KeyedHashField(source="phone", db_index=True)
    id_number = EncryptedCharField(_("身份证号"), max_plain_length=18)
    id_number_hash = KeyedHashField(source="id_number", db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member",
        verbose_name=_("登录账号"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Derived (organizations.members.places): the city/district/street/community holding the residence
    # and holding the organization's anchor area, for index counts of a subtree's roster.
    res_city = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    res_district = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    res_street = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    res_community = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    org_city = models.BigIntegerField(null=True, blank=True, editable=False)
    org_district = models.BigIntegerField(null=True, blank=True, editable=False)
    org_street = models.BigIntegerField(null=True, blank=True, editable=False)
    org_community = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="member_unique_id_number"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="member_org_status"),
            # the roster count's "in a visible organization but not residing there" part
            # (organizations.members.selectors.roster_count) reads only this index
            models.Index(fields=["organization", "residence"], name="member_org_residence"),
            # "in an organization anchored in the subtree but residing outside it", index only
            models.Index(fields=["org_city", "res_city"], name="member_org_res_city"),
            models.Index(fields=["org_district", "res_district"], name="member_org_res_district"),
            models.Index(fields=["org_street", "res_street"], name="member_org_res_street"),
            models.Index(fields=["org_community", "res_community"], name="member_org_res_community"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from organizations.members import places

        before = getattr(self, "_place_links", (object(), object()))
        if self.residence_id != before[0]:
            for name, value in zip(places.RES_FIELDS.values(), places.chain_of(self.residence_id), strict=True):
                setattr(self, name, value)
        if self.organization_id != before[1]:
            chain = places.org_chains([self.organization_id]).get(self.organization_id, places.NO_CHAIN)
            for name, value in zip(places.ORG_FIELDS.values(), chain, strict=True):
                setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"residence", "residence_id", "organization", "organization_id"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, *places.RES_FIELDS.values(), *places.ORG_FIELDS.values()}
        super().save(*args, **kwargs)
        self._place_links = (self.residence_id, self.organization_id)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._place_links = (instance.__dict__.get("residence_id"), instance.__dict__.get("organization_id"))
        return instance

    @property
    def phone_masked(self):
        return mask_phone(self.phone)

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number)

    @property
    def party_age(self):
        """Years of party standing, counted from full membership (预备期不计)."""
        start = self.full_member_on or (self.joined_on if self.status == MemberStatus.FULL else None)
        if not start:
            return None
        today = timezone.localdate()
        return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


class CentralHouseholdQuerySet(ScopedQuerySet):
    scope_paths = (InArea("building"), InOrg("member__organization"))


class CentralHousehold(models.Model):
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="central_household", verbose_name=_("党员")
    )
    building = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="central_households", verbose_name=_("所在楼栋")
    )
    linked_households = models.PositiveSmallIntegerField(_("联系户数"), default=0)
    linked_rooms = models.CharField(_("联系户门牌"), max_length=300, blank=True, help_text=_("如：1-101, 1-102"))
    designated_on = models.DateField(_("确定日期"), null=True, blank=True)

    objects = CentralHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员中心户")
        verbose_name_plural = _("党员中心户")

    def __str__(self):
        return f"{self.member.name}（{self.building.name}）"

    def clean(self):
        super().clean()
        if self.building_id and self.building.level != AreaLevel.BUILDING:
            raise ValidationError({"building": _("党员中心户必须设在楼栋。")})


class PersonalDataAccess(models.Model):
    """Every unmasked view of a member's personal data, every look-up of a member by phone
    or ID number, and every reveal of a resident's phone on a wish or a request (``target_*``;
    refused attempts included), for audit (PIPL).  A look-up row records the
    field searched and how many members matched (the member when exactly one did) — never
    the value searched for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("查看人")
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="access_log", verbose_name=_("党员")
    )
    kind = models.CharField(_("方式"), max_length=8, choices=AccessKind.choices, default=AccessKind.REVEAL)
    # Another record whose personal data was opened (a resident's phone on a wish or a request):
    # its model label and key, as an audit event names its target (``member`` is empty then).
    target_type = models.CharField(_("查看对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("查看对象编号"), max_length=32, blank=True)
    fields = models.CharField(_("查看字段"), max_length=100)
    matched = models.PositiveIntegerField(_("匹配人数"), null=True, blank=True)
    refused = models.BooleanField(_("已拒绝"), default=False)
    channel = models.CharField(_("渠道"), max_length=8, choices=AccessChannel.choices)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        if self.target_type:
            target = f"{self.target_type}:{self.target_id}"
        else:
            target = self.member_id if self.member_id is not None else f"{self.matched}"
        return f"{self.user} {self.kind}{' refused' if self.refused else ''} → {target} {self.fields}"
