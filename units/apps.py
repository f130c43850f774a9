from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Đơn vị và nhân sự")

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the login and two-step signal receivers)
