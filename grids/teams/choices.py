from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamRole(models.TextChoices):
    """The four-level grid team (四级网格团队)."""

    CHIEF = "chief", _("网格总长")
    LEADER = "leader", _("网格长")
    WORKER = "worker", _("网格员")
    VOLUNTEER = "volunteer", _("志愿者")


# Team roles whose user account gets a grid-worker grant over the grid's places.
GRANTING_TEAM_ROLES = (TeamRole.CHIEF, TeamRole.LEADER, TeamRole.WORKER)
