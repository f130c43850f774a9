"""manage.py smoke_check — after a restore (or a deploy): migrations applied, the health page answers,
and the main pages render for a real user of the database."""

from __future__ import annotations

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import override_settings

from units.bench import session_for
from units.models import Membership, Unit


class Command(BaseCommand):
    help = "Kiểm tra nhanh sau khi khôi phục: migration, trang sức khỏe, các trang chính."

    def handle(self, *args, **options) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(f"Còn {len(pending)} migration chưa áp dụng.")
        units = Unit.objects.count()
        membership = Membership.objects.filter(revoked_at__isnull=True).select_related("user").first()
        pages = ["/healthz"]
        with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
            client = Client()
            if membership:
                # A session made for the check, not a login: the audit log records no sign-in of this user.
                client.cookies[settings.SESSION_COOKIE_NAME] = session_for(membership.user, second_factor=True)
                pages += ["/", "/don-vi/", "/ke-hoach/", "/tu-danh-gia/", "/khen-thuong/", "/bao-cao/"]
            for page in pages:
                status = client.get(page).status_code
                if status != 200:
                    raise CommandError(f"{page} trả về {status}.")
        self.stdout.write(f"Kiểm tra nhanh: {units:,} đơn vị, {len(pages)} trang trả về 200.")
