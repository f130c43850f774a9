"""manage.py render_proxy_config [--output FILE] — the nginx configuration of the proxy in front of `web`, from
the settings the app runs with (docker-compose.yml runs it before the proxy starts)."""

from pathlib import Path

from django.core.management import BaseCommand

from units.proxy import proxy_body_max_bytes, render_nginx_config


class Command(BaseCommand):
    help = "Ghi cấu hình nginx (proxy trước các máy web) theo cấu hình của ứng dụng, kể cả giới hạn dung lượng tải lên."
    requires_system_checks = []  # runs before the database is up; it reads settings only

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Tệp cần ghi (mặc định: in ra màn hình).")

    def handle(self, *args, output: str | None = None, **options) -> None:
        text = render_nginx_config()
        if not output:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # the proxy never reads a half-written file
        self.stderr.write(f"Đã ghi {path} (client_max_body_size {proxy_body_max_bytes()} byte).")
