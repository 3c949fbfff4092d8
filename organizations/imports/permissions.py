from dangjian.scoping import get_scope
from organizations.imports.choices import IMPORT_ROLES


def can_import(user) -> bool:
    return get_scope(user).has_role(*IMPORT_ROLES)
