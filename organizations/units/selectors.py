from organizations.units.models import ResidentUnit


def units_for(user):
    return ResidentUnit.objects.visible_to(user)
