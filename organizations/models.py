"""Territory tree, party-organization tree, members, central households, resident units,
grants (who sees which subtree), and the personal-data access log."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from dangjian.crypto import EncryptedCharField, KeyedHashField
from dangjian.privacy import mask_id_number, mask_phone
from dangjian.scoping import NOTHING, get_scope, range_q
from organizations.choices import (
    ROOT_LEVELS,
    ROSTER_ROLES,
    AccessChannel,
    AreaLevel,
    BuildingUse,
    FormationMode,
    Gender,
    ImportKind,
    ImportStatus,
    MemberStatus,
    OrgCategory,
    OrgKind,
    OrgRole,
    ResidentUnitKind,
    Role,
)


# --------------------------------------------------------------------------- territory
class AreaQuerySet(TreeQuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("", scope.area_ranges) | self._org_anchor_q(scope))

    def _org_anchor_q(self, scope):
        # An organization grant lets its holder see the areas its organizations are anchored to.
        if not scope.org_ranges:
            return NOTHING
        return Q(pk__in=PartyOrg.objects.filter(range_q("", scope.org_ranges)).values("area_id"))

    def within(self, area):
        """The node and its whole subtree (the lft/rght range)."""
        return self.filter(tree_id=area.tree_id, lft__gte=area.lft, lft__lte=area.rght)


class AreaManager(TreeManager.from_queryset(AreaQuerySet)):
    pass


class Area(MPTTModel):
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("编码"), max_length=32, unique=True, help_text=_("行政区划代码或自定义编码，全局唯一")
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级区域")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0, help_text=_("楼栋/单元的住户数"))
    building_use = models.CharField(
        _("楼栋用途"), max_length=16, choices=BuildingUse.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AreaManager()

    class MPTTMeta:
        level_attr = "depth"

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_among_siblings"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="area_unique_root_name"
            ),
        ]
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="area_tree_lft"),
            models.Index(fields=["level"], name="area_level"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        before = getattr(self, "_place_key", None)
        super().save(*args, **kwargs)
        if before is not None and before != (self.parent_id, self.level):
            # moved or re-levelled: the chains of everyone living or belonging under it change
            from organizations import places

            self.refresh_from_db(fields=["tree_id", "lft", "rght"])
            inside = Q(tree_id=self.tree_id, lft__gte=self.lft, lft__lte=self.rght)
            places.sync_members(Member.objects.filter(
                Q(residence__in=Area.objects.filter(inside)) | Q(organization__area__in=Area.objects.filter(inside))
            ))
        self._place_key = (self.parent_id, self.level)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._place_key = (instance.__dict__.get("parent_id"), instance.__dict__.get("level"))
        return instance

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id:
            parent = self.parent
            if self.level is not None and self.level <= parent.level:
                errors["level"] = _("“%(child)s”必须比上级区域“%(parent)s”（%(plevel)s）层级更低。") % {
                    "child": self.get_level_display(),
                    "parent": parent.name,
                    "plevel": parent.get_level_display(),
                }
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("区域不能以自己为上级。")
            elif self.pk and not self._state.adding:
                if parent.tree_id == self.tree_id and self.lft <= parent.lft <= self.rght:
                    errors["parent"] = _("不能把区域移动到它自己的下级之下。")
            if self.level == AreaLevel.ENTRANCE and parent.level != AreaLevel.BUILDING:
                errors["level"] = _("单元只能建在楼栋之下。")
        elif self.level is not None and self.level not in ROOT_LEVELS:
            errors["parent"] = _("只有市或区可以作为顶级区域，请选择上级区域。")
        if self.building_use and self.level not in (AreaLevel.BUILDING, AreaLevel.ENTRANCE):
            errors["building_use"] = _("只有楼栋可以设置用途。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_building(self):
        return self.level == AreaLevel.BUILDING


# ------------------------------------------------------------------ party organizations
class PartyOrgQuerySet(TreeQuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("", scope.org_ranges) | range_q("area", scope.area_ranges))

    def within(self, org):
        return self.filter(tree_id=org.tree_id, lft__gte=org.lft, lft__lte=org.rght)

    def anchored_within(self, area):
        return self.filter(area__tree_id=area.tree_id, area__lft__gte=area.lft, area__lft__lte=area.rght)


class PartyOrgManager(TreeManager.from_queryset(PartyOrgQuerySet)):
    pass


class PartyOrg(MPTTModel):
    name = models.CharField(_("组织名称"), max_length=120)
    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    kind = models.CharField(_("组织类别"), max_length=24, choices=OrgKind.choices)
    category = models.CharField(_("组织类型"), max_length=24, choices=OrgCategory.choices)
    formation = models.CharField(
        _("组建方式"), max_length=16, choices=FormationMode.choices, default=FormationMode.SINGLE
    )
    joint_units = models.PositiveSmallIntegerField(
        _("联合组建单位数"), default=1, help_text=_("联合组建时参与的单位数，一般不超过5个")
    )
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级组织")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="party_orgs", verbose_name=_("所在区域"),
        help_text=_("组织所依托的区域节点（社区、小区、楼栋等）"),
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    secretary = models.ForeignKey(
        "Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="secretary_of",
        verbose_name=_("书记"),
    )
    secretary_also_chairs = models.BooleanField(
        _("书记交叉任职"), default=False, help_text=_("书记兼任居委会主任或业委会主任（一肩挑）")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PartyOrgManager()

    class MPTTMeta:
        level_attr = "depth"

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_among_siblings"),
        ]
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="org_tree_lft"),
            models.Index(fields=["kind", "category"], name="org_kind_category"),
            # the coverage figures' "a 党小组 / a 小区党支部 is anchored here" sets, read from an index alone
            models.Index(fields=["area"], condition=Q(kind="group"), name="org_group_area"),
            models.Index(fields=["area"], condition=Q(kind="branch", category="compound"), name="org_compound_branch_area"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        before = getattr(self, "_anchor_before", None)
        super().save(*args, **kwargs)
        if before is not None and before != self.area_id:
            from organizations import places

            places.sync_members(Member.objects.filter(organization=self))
        self._anchor_before = self.area_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._anchor_before = instance.__dict__.get("area_id")
        return instance

    def clean(self):
        super().clean()
        from organizations.rules import org_structure_errors

        errors = org_structure_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def term_ends_on(self):
        if not self.term_started_on:
            return None
        start = self.term_started_on
        try:
            return start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.term_years, day=28)


# ----------------------------------------------------------------------------- members
class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        areas = scope.areas_for(ROSTER_ROLES)
        orgs = scope.orgs_for(ROSTER_ROLES)
        q = NOTHING
        if areas:
            q |= range_q("residence", areas) | range_q("organization__area", areas)
        if orgs:
            q |= range_q("organization", orgs)
        if user.is_authenticated:
            q |= Q(user_id=user.pk)  # every member may see their own record
        return self.filter(q)

    def residing_within(self, area):
        from organizations.places import residing_q

        return self.filter(residing_q(area))


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
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
    # Derived (organizations.places): the city/district/street/community holding the residence
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
            # (organizations.selectors.roster_count) reads only this index
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
        from organizations import places

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


class CentralHouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("building", scope.area_ranges) | range_q("member__organization", scope.org_ranges))


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


class ResidentUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = get_scope(user)
        if scope.is_global:
            return self.all()
        return self.filter(range_q("community", scope.area_ranges) | range_q("party_org", scope.org_ranges))


class ResidentUnit(models.Model):
    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位性质"), max_length=24, choices=ResidentUnitKind.choices)
    community = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="resident_units", verbose_name=_("所在社区")
    )
    party_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.SET_NULL, related_name="resident_units",
        verbose_name=_("单位党组织"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_plain_length=20)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ResidentUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unit_unique_in_community")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.community_id and self.community.level != AreaLevel.COMMUNITY:
            raise ValidationError({"community": _("驻区单位必须登记在社区。")})


# -------------------------------------------------------------------- grants and logs
class Grant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="grants", verbose_name=_("区域")
    )
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="grants", verbose_name=_("党组织")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False) | Q(org__isnull=False), name="grant_has_a_node"
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="grant_user_active")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area or self.org}"


class PersonalDataAccess(models.Model):
    """Every unmasked view of a member's personal data, for audit (PIPL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("查看人")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="access_log", verbose_name=_("党员"))
    fields = models.CharField(_("查看字段"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=8, choices=AccessChannel.choices)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} → {self.member_id} {self.fields}"


class LoginAttempt(models.Model):
    username = models.CharField(_("用户名"), max_length=150)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"), default=False)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [models.Index(fields=["username", "at"], name="login_username_at")]

    def __str__(self):
        return f"{self.username} {'✓' if self.succeeded else '✗'} {self.at:%Y-%m-%d %H:%M}"


class ImportJob(models.Model):
    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs",
        verbose_name=_("提交人"),
    )
    is_system = models.BooleanField(
        _("系统导入"), default=False, help_text=_("由管理命令以系统身份（不限范围）导入，无提交人")
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_system=True, created_by__isnull=True) | Q(is_system=False, created_by__isnull=False),
                name="import_job_submitter_or_system",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def progress_percent(self):
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED) else 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))
