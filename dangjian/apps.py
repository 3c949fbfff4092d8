from django.apps import AppConfig


class DangjianConfig(AppConfig):
    name = "dangjian"
    verbose_name = "城市基层党建平台"
