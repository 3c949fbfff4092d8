from django.apps import AppConfig


class GridsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grids"
    verbose_name = "网格"
