from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Bộ chỉ số và tự đánh giá")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)

        # The shipped indicator sets exist in every database: after migrate, and after a test flush.
        post_migrate.connect(_load_sets, sender=self, dispatch_uid="criteria.load_fixture_sets")


def _load_sets(sender, using="default", **kwargs) -> None:
    from .sets import load_fixture_sets

    load_fixture_sets()
