"""项目化服务: service projects (the project book 服务项目书) run by a party organization in a
community with resident units, grouped in brands (服务品牌), and the activities, wishes and
requests that belong to each.  A project's outcome (people served, hours, items done) is
never stored: ``network.projects.selectors.with_outcome`` computes it from the linked records."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.models import StatusEvent, status_fields
from dangjian.scoping import InArea, InOrg, ScopedQuerySet, Through
from network.projects.choices import PROJECT_WORKFLOW, ProjectStatus, ServedGroup
from organizations.grants.choices import MANAGE_ROLES

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceBrandQuerySet(ScopedQuerySet):
    """Brands of the areas the user manages, and the brands of the projects they may see (a
    community running a street's brand opens it; its page lists only their projects)."""

    scope_paths = (InArea("area", MANAGE_ROLES),)

    def scope_q(self, scope, user):
        projects = ServiceProject.objects.filter(ServiceProject.objects.all().scope_q(scope, user))
        return super().scope_q(scope, user) | Q(pk__in=projects.filter(brand__isnull=False).values("brand_id"))


class ServiceBrand(models.Model):
    """A named group of projects (服务品牌, e.g. “红色管家”), owned by an area."""

    name = models.CharField(_("品牌名称"), max_length=100)
    description = models.TextField(_("品牌简介"), blank=True, max_length=2000)
    area = models.ForeignKey("organizations.Area", on_delete=models.PROTECT, related_name="service_brands",
                             verbose_name=_("所属区域"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ServiceBrandQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务品牌")
        verbose_name_plural = _("服务品牌")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="service_brand_unique_in_area")]

    def __str__(self):
        return self.name


class ServiceProjectQuerySet(ScopedQuerySet):
    """Projects of the communities the user manages, and of the organizations they manage."""

    scope_paths = (InArea("area", MANAGE_ROLES), InOrg("owner_org", MANAGE_ROLES))


class ServiceProject(models.Model):
    """A project book (服务项目书): what it is for, whom it serves, who runs it, where and
    with which resident units, its budget and period; its status follows
    ``PROJECT_WORKFLOW``."""

    workflow = PROJECT_WORKFLOW

    title = models.CharField(_("项目名称"), max_length=120)
    goal = models.TextField(_("项目目标"), max_length=4000)
    served_group = models.CharField(_("服务对象类别"), max_length=16, choices=ServedGroup.choices,
                                    default=ServedGroup.ALL)
    served_text = models.CharField(_("服务对象说明"), max_length=200, blank=True)
    owner_org = models.ForeignKey("organizations.PartyOrg", on_delete=models.PROTECT, related_name="service_projects",
                                  verbose_name=_("牵头党组织"))
    area = models.ForeignKey("organizations.Area", on_delete=models.PROTECT, related_name="service_projects",
                             verbose_name=_("实施社区"))
    units = models.ManyToManyField("organizations.ResidentUnit", blank=True, related_name="service_projects",
                                   verbose_name=_("共建驻区单位"))
    brand = models.ForeignKey(ServiceBrand, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
                              verbose_name=_("所属服务品牌"))
    budget = models.DecimalField(_("项目预算（元）"), default=0, **MONEY)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ServiceProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="service_project_ends_after_start"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="service_project_budget_not_negative"),
        ]
        indexes = [models.Index(fields=["area", "status"], name="service_project_area_status")]

    def __str__(self):
        return self.title

    def make_event(self, *, actor, from_status, to_status, note=""):
        return ProjectEvent.of(project=self, actor=actor, from_status=from_status, to_status=to_status, note=note)


class ProjectEvent(StatusEvent):
    subject = "project"
    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("服务项目"))
    from_status, to_status = status_fields(ProjectStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("服务项目状态记录")
        verbose_name_plural = _("服务项目状态记录")


# ------------------------------------------------------------------ linked records
class LinkQuerySet(ScopedQuerySet):
    scope_paths = (Through("project"),)


class _Link(models.Model):
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("关联人"))
    linked_at = models.DateTimeField(_("关联时间"), auto_now_add=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True


class ProjectActivity(_Link):
    """An activity (组织生活/志愿服务活动) held for a project; an activity belongs to one project at most."""

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="activity_links",
                                verbose_name=_("服务项目"))
    activity = models.OneToOneField("assessments.Activity", on_delete=models.CASCADE, related_name="project_link",
                                    verbose_name=_("活动"))

    class Meta:
        verbose_name = _("项目活动")
        verbose_name_plural = _("项目活动")
        indexes = [models.Index(fields=["project", "activity"], name="project_activity_pair")]

    def __str__(self):
        return f"{self.project_id} ← activity {self.activity_id}"


class ProjectWish(_Link):
    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="wish_links",
                                verbose_name=_("服务项目"))
    wish = models.OneToOneField("services.Wish", on_delete=models.CASCADE, related_name="project_link",
                                verbose_name=_("微心愿"))

    class Meta:
        verbose_name = _("项目微心愿")
        verbose_name_plural = _("项目微心愿")
        indexes = [models.Index(fields=["project", "wish"], name="project_wish_pair")]

    def __str__(self):
        return f"{self.project_id} ← wish {self.wish_id}"


class ProjectRequest(_Link):
    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="request_links",
                                verbose_name=_("服务项目"))
    request = models.OneToOneField("services.ServiceRequest", on_delete=models.CASCADE, related_name="project_link",
                                   verbose_name=_("居民诉求"))

    class Meta:
        verbose_name = _("项目居民诉求")
        verbose_name_plural = _("项目居民诉求")
        indexes = [models.Index(fields=["project", "request"], name="project_request_pair")]

    def __str__(self):
        return f"{self.project_id} ← request {self.request_id}"
