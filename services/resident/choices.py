from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.privacy import mask_public_text

# What public pages and Open311 show for a resident's text the community has not reviewed yet.
UNREVIEWED_TEXT = _("（社区审核后公开）")


def public_text(text, *, reviewed) -> str:
    """A resident's free text as a public page or API shows it: once reviewed, with phone and
    ID numbers masked; before that the neutral placeholder."""
    return mask_public_text(text) if reviewed else str(UNREVIEWED_TEXT)


class Satisfaction(models.TextChoices):
    """The three answers a resident rates a wish, a request or a whistle with (满意率)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
