"""Consistency checks of the two mptt trees (territory and party organizations).

Every check is set-based: a handful of queries per model whatever the size of the table,
returning only the offending rows; Python only words the problems.  Each problem is one
Chinese sentence naming the node.  Used by the nightly task ``organizations.tasks.check_trees``,
by ``manage.py check_trees`` and after bulk loads (``seed_demo``).

What a consistent tree means here:

* every node: ``lft < rght`` and ``rght - lft - 1`` even (a subtree holds whole nodes);
* a child: same ``tree_id`` as its parent, ``lft``/``rght`` strictly inside the parent's,
  ``depth`` = parent's depth + 1; a root: ``depth`` 0 and ``lft`` 1;
* a node's children tile its interior exactly (no gaps, no overlaps), no two intervals of a
  tree cross, no two nodes of a tree share a ``lft`` or ``rght`` value, one root per tree and
  ``rght`` of the root = 2 × the tree's size;
* areas: a child's level strictly deeper than its parent's, roots only at ``ROOT_LEVELS``;
* organizations: the anchored area exists;
* no two siblings share a name;
* every member's derived place columns (``organizations.members.places``) agree with the tree.
"""
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Mod
from django.utils.translation import gettext as _

from organizations.areas.choices import ROOT_LEVELS, AreaLevel
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

# Offending rows fetched per check; beyond that one sentence gives the total.
LIMIT = 50


def check_all_trees() -> list[str]:
    """Problems of both trees; an empty list means both are consistent."""
    return check_tree(Area) + check_tree(PartyOrg) + check_member_places()


def check_member_places() -> list[str]:
    from organizations.members import places
    from organizations.members.models import Member

    wrong = places.out_of_sync(Member.objects.all())
    if not wrong:
        return []
    return [_("党员的居住地、组织所在地层级归属有 %(n)d 处与区域树不一致（check_trees --repair 可重算）。") % {"n": wrong}]


def check_tree(model) -> list[str]:
    checker = _TreeChecker(model)
    return checker.run()


def _level_label(value) -> str:
    try:
        return str(AreaLevel(value).label)
    except ValueError:
        return str(value)


class _TreeChecker:
    def __init__(self, model):
        self.model = model
        self.is_area = model is Area
        self.kind = _("区域") if self.is_area else _("党组织")
        self.problems: list[str] = []

    # ------------------------------------------------------------------ wording
    def label(self, pk, name, code) -> str:
        return _("%(kind)s“%(name)s”（编码 %(code)s，ID %(pk)s）") % {
            "kind": self.kind, "name": name, "code": code, "pk": pk,
        }

    def add(self, text: str) -> None:
        self.problems.append(text)

    def more(self, queryset, shown: int, what: str) -> None:
        total = queryset.count()
        if total > shown:
            self.add(_("另有 %(n)d 处%(what)s问题未逐条列出（共 %(total)d 处）。") % {
                "n": total - shown, "what": what, "total": total,
            })

    # ------------------------------------------------------------------- checks
    def run(self) -> list[str]:
        self.check_nodes()
        self.check_intervals()
        self.check_shared_numbers()
        self.check_tree_sizes()
        self.check_sibling_names()
        return self.problems

    def check_nodes(self) -> None:
        """Row checks against the node itself and its parent (one query with a join)."""
        m = self.model
        qs = m._default_manager.order_by().annotate(odd=Mod(F("rght") - F("lft") - 1, 2))
        bad = Q(lft__gte=F("rght")) | ~Q(odd=0)
        child = Q(parent__isnull=False)
        bad |= child & (
            ~Q(tree_id=F("parent__tree_id"))
            | Q(lft__lte=F("parent__lft"))
            | Q(rght__gte=F("parent__rght"))
            | ~Q(depth=F("parent__depth") + 1)
        )
        root = Q(parent__isnull=True)
        bad |= root & (~Q(depth=0) | ~Q(lft=1))
        fields = [
            "pk", "name", "code", "tree_id", "lft", "rght", "depth", "odd", "parent_id",
            "parent__name", "parent__tree_id", "parent__lft", "parent__rght", "parent__depth",
        ]
        if self.is_area:
            bad |= child & Q(level__lte=F("parent__level"))
            bad |= root & ~Q(level__in=[int(v) for v in ROOT_LEVELS])
            fields += ["level", "parent__level"]
        else:
            qs = qs.annotate(area_ok=Exists(Area.objects.filter(pk=OuterRef("area_id"))))
            bad |= Q(area_ok=False)
            fields += ["area_id", "area_ok"]
        rows = list(qs.filter(bad).order_by("tree_id", "lft").values(*fields)[: LIMIT + 1])
        for row in rows[:LIMIT]:
            self.word_node(row)
        if len(rows) > LIMIT:
            self.more(qs.filter(bad), LIMIT, _("节点"))

    def word_node(self, r) -> None:
        who = self.label(r["pk"], r["name"], r["code"])
        if r["lft"] >= r["rght"]:
            self.add(_("%(who)s：左值 lft=%(lft)d 不小于右值 rght=%(rght)d。") % {"who": who, **r})
        if r["odd"] != 0:
            self.add(_("%(who)s：左右值 [%(lft)d, %(rght)d] 之间容不下整数个下级节点（rght − lft − 1 应为偶数）。") % {"who": who, **r})
        if r["parent_id"] is not None:
            parent = _("上级“%(name)s”（ID %(pk)s）") % {"name": r["parent__name"], "pk": r["parent_id"]}
            if r["tree_id"] != r["parent__tree_id"]:
                self.add(_("%(who)s：树编号 %(tree)d 与%(parent)s的树编号 %(ptree)d 不一致。") % {
                    "who": who, "tree": r["tree_id"], "parent": parent, "ptree": r["parent__tree_id"],
                })
            elif not (r["parent__lft"] < r["lft"] and r["rght"] < r["parent__rght"]):
                self.add(_("%(who)s：左右值 [%(lft)d, %(rght)d] 不在%(parent)s的 [%(plft)d, %(prght)d] 之内。") % {
                    "who": who, "lft": r["lft"], "rght": r["rght"], "parent": parent,
                    "plft": r["parent__lft"], "prght": r["parent__rght"],
                })
            if r["depth"] != r["parent__depth"] + 1:
                self.add(_("%(who)s：深度为 %(depth)d，应为%(parent)s的深度加一（%(expected)d）。") % {
                    "who": who, "depth": r["depth"], "parent": parent, "expected": r["parent__depth"] + 1,
                })
            if self.is_area and r["level"] <= r["parent__level"]:
                self.add(_("%(who)s：层级“%(level)s”不低于%(parent)s的层级“%(plevel)s”。") % {
                    "who": who, "level": _level_label(r["level"]), "parent": parent,
                    "plevel": _level_label(r["parent__level"]),
                })
        else:
            if r["depth"] != 0:
                self.add(_("%(who)s：根节点的深度应为 0，现为 %(depth)d。") % {"who": who, "depth": r["depth"]})
            if r["lft"] != 1:
                self.add(_("%(who)s：根节点的左值应为 1，现为 %(lft)d。") % {"who": who, "lft": r["lft"]})
            if self.is_area and r["level"] not in ROOT_LEVELS:
                self.add(_("%(who)s：层级“%(level)s”不能作为顶级区域（只有市或区可以）。") % {
                    "who": who, "level": _level_label(r["level"]),
                })
        if not self.is_area and not r["area_ok"]:
            self.add(_("%(who)s：所在区域（ID %(area)s）不存在。") % {"who": who, "area": r["area_id"]})

    def check_intervals(self) -> None:
        """Children tile their parent's interior, and no two intervals of a tree cross."""
        m = self.model
        manager = m._default_manager
        widths = (
            manager.filter(parent_id=OuterRef("pk"))
            .order_by()
            .values("parent_id")
            .annotate(w=Sum(F("rght") - F("lft") + 1))
            .values("w")
        )
        crossing = manager.filter(
            tree_id=OuterRef("tree_id"), lft__gt=OuterRef("lft"), lft__lt=OuterRef("rght"), rght__gt=OuterRef("rght")
        ).order_by("lft")
        qs = manager.order_by().annotate(
            inner=F("rght") - F("lft") - 1,
            child_width=Coalesce(Subquery(widths, output_field=IntegerField()), Value(0)),
            crossing_id=Subquery(crossing.values("pk")[:1]),
            crossing_name=Subquery(crossing.values("name")[:1]),
        )
        bad = ~Q(child_width=F("inner")) | Q(crossing_id__isnull=False)
        rows = list(
            qs.filter(bad).order_by("tree_id", "lft").values(
                "pk", "name", "code", "lft", "rght", "inner", "child_width", "crossing_id", "crossing_name"
            )[: LIMIT + 1]
        )
        for r in rows[:LIMIT]:
            who = self.label(r["pk"], r["name"], r["code"])
            if r["child_width"] != r["inner"]:
                self.add(
                    _("%(who)s：下级节点占用的编号共 %(child_width)d 个，与其区间 [%(lft)d, %(rght)d] 内部的 %(inner)d 个不符（编号有空缺或重叠）。")
                    % {"who": who, **r}
                )
            if r["crossing_id"] is not None:
                self.add(_("%(who)s：区间 [%(lft)d, %(rght)d] 与同一棵树中的“%(other)s”（ID %(oid)s）交叉。") % {
                    "who": who, "lft": r["lft"], "rght": r["rght"], "other": r["crossing_name"], "oid": r["crossing_id"],
                })
        if len(rows) > LIMIT:
            self.more(qs.filter(bad), LIMIT, _("区间"))

    def check_shared_numbers(self) -> None:
        """No lft or rght value is used twice within one tree (lft and rght together)."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = (
            f"SELECT tree_id, v, COUNT(*) FROM ("  # noqa: S608 - table name from model meta
            f"SELECT tree_id, lft AS v FROM {table} UNION ALL SELECT tree_id, rght AS v FROM {table}"
            f") numbers GROUP BY tree_id, v HAVING COUNT(*) > 1 ORDER BY tree_id, v"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            shared = cursor.fetchall()
        if not shared:
            return
        shown = shared[:LIMIT]
        where = Q()
        for tree_id, value, _n in shown:
            where |= Q(tree_id=tree_id, lft=value) | Q(tree_id=tree_id, rght=value)
        holders: dict = {}
        for row in self.model._default_manager.filter(where).order_by("pk").values("pk", "name", "tree_id", "lft", "rght"):
            for value in {row["lft"], row["rght"]}:
                holders.setdefault((row["tree_id"], value), []).append(row)
        for tree_id, value, count in shown:
            names = "、".join(
                _("“%(name)s”（ID %(pk)s）") % {"name": r["name"], "pk": r["pk"]} for r in holders.get((tree_id, value), [])
            )
            self.add(_("%(kind)s第 %(tree)d 棵树中，编号 %(value)d 被 %(count)d 处同时使用：%(names)s。") % {
                "kind": self.kind, "tree": tree_id, "value": value, "count": count, "names": names,
            })
        if len(shared) > LIMIT:
            self.add(_("另有 %(n)d 个重复编号未逐条列出。") % {"n": len(shared) - LIMIT})

    def check_tree_sizes(self) -> None:
        """One root per tree, numbering from 1 to twice the tree's size."""
        m = self.model
        trees = (
            m._default_manager.order_by()
            .values("tree_id")
            .annotate(
                n=Count("pk"), first=Min("lft"), last=Max("rght"),
                roots=Count("pk", filter=Q(parent__isnull=True)),
            )
            .filter(~Q(roots=1) | ~Q(first=1) | ~Q(last=F("n") * 2))
            .order_by("tree_id")
        )
        rows = list(trees[: LIMIT + 1])
        if not rows:
            return
        roots: dict = {}
        for r in m._default_manager.filter(tree_id__in=[r["tree_id"] for r in rows], parent__isnull=True).values(
            "tree_id", "pk", "name"
        ):
            roots.setdefault(r["tree_id"], []).append(_("“%(name)s”（ID %(pk)s）") % r)
        for r in rows[:LIMIT]:
            names = "、".join(roots.get(r["tree_id"], [])) or _("无")
            if r["roots"] != 1:
                self.add(_("%(kind)s第 %(tree)d 棵树应有且只有一个根节点，现有 %(roots)d 个：%(names)s。") % {
                    "kind": self.kind, "tree": r["tree_id"], "roots": r["roots"], "names": names,
                })
            if r["first"] != 1 or r["last"] != r["n"] * 2:
                self.add(
                    _("%(kind)s第 %(tree)d 棵树（根 %(names)s）共 %(n)d 个节点，编号应为 1 至 %(expected)d，现为 %(first)d 至 %(last)d。")
                    % {"kind": self.kind, "tree": r["tree_id"], "names": names, "n": r["n"],
                       "expected": r["n"] * 2, "first": r["first"], "last": r["last"]}
                )
        if len(rows) > LIMIT:
            self.add(_("另有更多编号范围有误的树未逐条列出。"))

    def check_sibling_names(self) -> None:
        m = self.model
        dupes = list(
            m._default_manager.order_by()
            .values("parent_id", "name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .order_by("parent_id", "name")[: LIMIT + 1]
        )
        if not dupes:
            return
        parent_names = dict(
            m._default_manager.filter(pk__in=[d["parent_id"] for d in dupes if d["parent_id"]]).values_list("pk", "name")
        )
        for d in dupes[:LIMIT]:
            if d["parent_id"] is None:
                self.add(_("有 %(n)d 个同名的顶级%(kind)s“%(name)s”。") % {"n": d["n"], "kind": self.kind, "name": d["name"]})
            else:
                self.add(_("%(kind)s“%(parent)s”（ID %(pid)s）下有 %(n)d 个同名下级“%(name)s”。") % {
                    "kind": self.kind, "parent": parent_names.get(d["parent_id"], "?"), "pid": d["parent_id"],
                    "n": d["n"], "name": d["name"],
                })
        if len(dupes) > LIMIT:
            self.add(_("另有更多同名下级未逐条列出。"))
