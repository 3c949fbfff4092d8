"""Check both trees (territory and party organizations); ``--repair`` renumbers them.

    manage.py check_trees            # prints every problem, exits 1 when there is one
    manage.py check_trees --repair   # renumbers the trees (mptt columns, depth) from the parent links and the
                                     # members' place columns, re-checks

The repair recomputes only the mptt numbering from the ``parent`` links (inside one
transaction, holding the tree write locks); problems in the data itself — a level not deeper
than its parent's, duplicate sibling names, a missing anchored area — remain and are reported.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.trees import lock_tree_writes
from organizations.areas.models import Area
from organizations.members import places
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.trees.check import check_all_trees


def repair_trees() -> None:
    """Renumber both trees from their parent links (mptt ``rebuild``), then recompute the
    members' place columns from the renumbered tree."""
    with transaction.atomic():
        for model in (Area, PartyOrg):
            lock_tree_writes(model)
            model.objects.rebuild()
        places.sync_members(Member.objects.all())


class Command(BaseCommand):
    help = _("检查区域树和党组织树的一致性；--repair 按上级关系重建左右值后再次检查。")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help=_("按上级关系重建两棵树的左右值、深度和树编号"))

    def handle(self, *args, repair=False, **options):
        problems = check_all_trees()
        if repair and problems:
            self.stdout.write(_("发现 %(n)d 个问题，正在按上级关系重建两棵树……") % {"n": len(problems)})
            repair_trees()
            self.stdout.write(_("已重建区域树和党组织树的左右值、深度和树编号，重新检查："))
            problems = check_all_trees()
        if problems:
            for problem in problems:
                self.stdout.write(problem)
            raise CommandError(_("两棵树共发现 %(n)d 个问题。") % {"n": len(problems)})
        self.stdout.write(self.style.SUCCESS(
            _("两棵树均一致：区域 %(areas)d 个（%(area_trees)d 棵树），党组织 %(orgs)d 个（%(org_trees)d 棵树）。") % {
                "areas": Area.objects.count(),
                "area_trees": Area.objects.filter(parent__isnull=True).count(),
                "orgs": PartyOrg.objects.count(),
                "org_trees": PartyOrg.objects.filter(parent__isnull=True).count(),
            }
        ))
