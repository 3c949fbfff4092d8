"""Who may do what with service projects (项目化服务).

* Reading projects and brands: a managing role (admin, district, street, community) — each
  sees the projects of the communities and organizations in their subtree.
* Creating, editing, linking records and moving a project through its workflow: managers
  over the project's community or its owner organization.
* Brands: managers over the brand's area.
"""
from dangjian.scoping import get_scope
from network.projects.choices import ProjectAction
from organizations.grants.choices import MANAGE_ROLES

PROJECT_ROLES = MANAGE_ROLES


def can_read_projects(user) -> bool:
    return get_scope(user).has_role(*PROJECT_ROLES)


def can_create_projects(user) -> bool:
    return get_scope(user).has_role(*PROJECT_ROLES)


def can_manage_project(user, project) -> bool:
    """``project.area`` and ``project.owner_org`` (with its area) loaded."""
    scope = get_scope(user)
    return scope.covers_area(project.area, PROJECT_ROLES) or scope.covers_org(project.owner_org, PROJECT_ROLES)


def can_manage_brand(user, brand) -> bool:
    return get_scope(user).covers_area(brand.area, PROJECT_ROLES)


PROJECT_RULES = {
    ProjectAction.START: can_manage_project,
    ProjectAction.CLOSE: can_manage_project,
    ProjectAction.CANCEL: can_manage_project,
}
