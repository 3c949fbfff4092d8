"""Channels of values typed by hand (the rule is in ``dangjian.burden``) and the roles that
see the burden meter."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.burden import Channel as _Channel
from organizations.grants.choices import MANAGE_ROLES


class Channel(models.TextChoices):
    FORM = _Channel.FORM, _("表单录入")
    IMPORT = _Channel.IMPORT, _("表格导入")
    API = _Channel.API, _("接口写入")


#: who opens the meter: the community's cadres and their superiors (street, district, admin);
#: grid workers' typing counts for their community, but the page is the cadres'
BURDEN_ROLES = MANAGE_ROLES
