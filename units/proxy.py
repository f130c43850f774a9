"""The reverse proxy's configuration, rendered from the app's settings so that the edge and the app agree: the
proxy's body limit is derived from UPLOAD_MAX_BYTES (`manage.py render_proxy_config`, docker-compose.yml)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import Context, Engine

TEMPLATES = Path(settings.BASE_DIR) / "deploy"


def proxy_body_max_bytes() -> int:
    """The largest request body the proxy passes on: one upload at the app's limit (or a form at Django's own
    limit for non-file data, whichever is larger) plus headroom for the other fields and the multipart framing."""
    return max(settings.UPLOAD_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + settings.PROXY_BODY_HEADROOM_BYTES


def render_nginx_config() -> str:
    tls = bool(settings.PROXY_TLS_CERTIFICATE and settings.PROXY_TLS_CERTIFICATE_KEY)
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=False)
    context = {
        "upload_max_bytes": settings.UPLOAD_MAX_BYTES,
        "upload_max_mb": f"{settings.UPLOAD_MAX_BYTES / (1024 * 1024):.0f}",
        "headroom_bytes": proxy_body_max_bytes() - settings.UPLOAD_MAX_BYTES,
        "body_max_bytes": proxy_body_max_bytes(),
        "upstream": settings.PROXY_UPSTREAM,
        "resolver": settings.PROXY_RESOLVER,
        "server_name": settings.PROXY_SERVER_NAME,
        "read_timeout": settings.PROXY_READ_TIMEOUT,
        "tls": tls,
        "tls_certificate": settings.PROXY_TLS_CERTIFICATE,
        "tls_certificate_key": settings.PROXY_TLS_CERTIFICATE_KEY,
    }
    return engine.get_template("nginx.conf.template").render(Context(context))
