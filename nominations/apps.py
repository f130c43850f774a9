from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Đề nghị khen thưởng")

    def ready(self) -> None:
        from campaigns.measures import register

        from . import rules  # noqa: F401  (registers the permissions)
        from .signature_rules import signed_documents_share

        register("signed_documents", signed_documents_share)

        # The shipped report templates exist in every database: after migrate, and after a test flush.
        post_migrate.connect(_load_templates, sender=self, dispatch_uid="nominations.load_templates")


def _load_templates(sender, using="default", **kwargs) -> None:
    from .services import templates_load

    templates_load()
