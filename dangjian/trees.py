"""Tree write serialization and the bulk tree path.

Only selectors and actions call into here; views never touch tree internals.
"""
import zlib
from collections import defaultdict

from django.db import connection


def lock_tree_writes(model) -> None:
    """Serialize writes to one tree table until the current transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed on the table name (every tree write
    in the project takes it, so concurrent inserts cannot interleave their lft/rght shifts).
    SQLite: writers are already serialized (transactions open IMMEDIATE), nothing to do.
    Must be called inside ``transaction.atomic()``.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(model._meta.db_table.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def assign_tree_fields(nodes, *, first_tree_id: int = 1, parent_key=None, existing=None) -> int:
    """Fill mptt fields (tree_id, lft, rght, depth) on unsaved nodes in memory.

    ``nodes`` are model instances whose ``parent`` is another node of the list (by
    identity) or None for a root; numbering is depth-first in list order, exactly what
    ``TreeManager.rebuild()`` would write, but in O(n) and without one UPDATE per row, so a
    bulk load is ``assign_tree_fields`` + ``bulk_create``.  Returns the next free tree id.
    """
    children = defaultdict(list)
    roots = []
    get_parent = parent_key or (lambda n: getattr(n, "_bulk_parent", None))
    for node in nodes:
        parent = get_parent(node)
        if parent is None:
            roots.append(node)
        else:
            children[id(parent)].append(node)
    tree_id = first_tree_id
    for root in roots:
        counter = 1
        stack = [(root, 0, False)]
        while stack:
            node, depth, closing = stack.pop()
            if closing:
                node.rght = counter
                counter += 1
                continue
            node.tree_id = tree_id
            node.lft = counter
            node.depth = depth
            counter += 1
            stack.append((node, depth, True))
            for child in reversed(children.get(id(node), ())):
                stack.append((child, depth + 1, False))
        tree_id += 1
    return tree_id
