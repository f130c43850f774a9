"""Issue 15 §5: the reverse proxy in front of `web`. Its nginx configuration is rendered from the app's settings,
so the body limit at the edge follows UPLOAD_MAX_BYTES; docker-compose.yml puts it in front of every `web`
replica (no host port on web, one trusted proxy). PyYAML is not a dependency: the compose file is read as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.security

ROOT = Path(settings.BASE_DIR)


def _render(tmp_path: Path) -> str:
    out = tmp_path / "conf.d" / "thidua.conf"
    call_command("render_proxy_config", "--output", str(out))
    return out.read_text(encoding="utf-8")


def _body_limit(conf: str) -> int:
    return int(re.search(r"^client_max_body_size (\d+);$", conf, re.M).group(1))


def test_proxy_body_limit_follows_the_upload_limit(settings, tmp_path):
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    first = _body_limit(_render(tmp_path))
    settings.UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    conf = _render(tmp_path)
    limit = _body_limit(conf)
    # A file just past the app's limit still reaches the app (its Vietnamese message); a body much larger does not.
    assert settings.UPLOAD_MAX_BYTES < limit <= settings.UPLOAD_MAX_BYTES + 2 * 1024 * 1024
    assert limit - first == 30 * 1024 * 1024
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "Tệp quá lớn" in conf and "50 MB" in conf  # the proxy's own 413 page speaks Vietnamese


def test_proxy_forwards_the_client_to_every_web_replica_and_is_tls_ready(settings, tmp_path):
    plain = _render(tmp_path)
    assert "set $web_upstream http://web:8000;" in plain and "proxy_pass $web_upstream;" in plain
    assert re.search(r"^resolver 127\.0\.0\.11 valid=\d+s", plain, re.M)  # replicas found through Docker's DNS
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme", "Host $host"):
        assert f"proxy_set_header {header};" in plain
    assert re.search(r"^proxy_read_timeout \d+s;", plain, re.M) and re.search(r"^client_body_timeout", plain, re.M)
    assert not re.search(r"^\s*listen 443", plain, re.M)

    settings.PROXY_TLS_CERTIFICATE = "/etc/nginx/certs/fullchain.pem"
    settings.PROXY_TLS_CERTIFICATE_KEY = "/etc/nginx/certs/privkey.pem"
    tls = _render(tmp_path)
    assert re.search(r"^\s*listen 443 ssl", tls, re.M)
    assert "ssl_certificate /etc/nginx/certs/fullchain.pem;" in tls
    assert "return 301 https://$host$request_uri;" in tls
    assert _body_limit(tls) == _body_limit(plain)


def _service(compose: str, name: str) -> str:
    """The text of one service of docker-compose.yml (its lines up to the next service or section)."""
    match = re.search(rf"^  {re.escape(name)}:\n((?:    .*\n|\s*\n|      .*\n)*)", compose, re.M)
    assert match, f"no service {name} in docker-compose.yml"
    return match.group(1)


def test_compose_puts_the_proxy_in_front_of_web():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    web, proxy, renderer = (_service(compose, n) for n in ("web", "proxy", "proxy-config"))
    assert not re.search(r"^    ports:", web, re.M)  # scaled replicas publish nothing; the proxy balances them
    assert 'TRUSTED_PROXY_COUNT: "1"' in web
    assert re.search(r'^    ports: \["80:80", "443:443"\]', proxy, re.M)
    assert "render_proxy_config" in renderer and "proxyconf:/data/proxy" in renderer
    assert "proxyconf:/etc/nginx/conf.d:ro" in proxy
    assert re.search(r"proxy-config: \{condition: service_completed_successfully\}", proxy)
    assert re.search(r"^  proxyconf:", compose, re.M)
    assert "/data/proxy" in (ROOT / "Dockerfile").read_text(encoding="utf-8")  # writable by the app's user


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here (apt-get install nginx-light)")
@pytest.mark.parametrize("tls", [False, True])
def test_rendered_config_is_accepted_by_nginx(settings, tmp_path, tls):
    if tls:
        key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
        command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        subprocess.run(
            [*command, "-keyout", key, "-out", cert],
            check=True,
            capture_output=True,
        )
        settings.PROXY_TLS_CERTIFICATE, settings.PROXY_TLS_CERTIFICATE_KEY = cert, key
    _render(tmp_path)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/conf.d/*.conf; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(main), "-e", str(tmp_path / "error.log")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_behind_one_proxy_allauth_axes_and_the_audit_log_see_the_same_client(tmp_path):
    """TRUSTED_PROXY_COUNT=1 (web behind the proxy): allauth's rate limits (password reset) count the client the
    proxy saw, as the audit log and django-axes do, not the proxy's own address, and a forged entry is ignored."""
    import os
    import sys

    script = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from allauth.account.adapter import get_adapter\n"
        "from units.audit import client_ip\n"
        "r = RequestFactory().get('/', REMOTE_ADDR='172.18.0.5', HTTP_X_FORWARDED_FOR='6.6.6.6, 203.0.113.7')\n"
        "print(get_adapter(r).get_client_ip(r), client_ip(r))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "1"}
    env.setdefault("DJANGO_DEBUG", "true")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["203.0.113.7", "203.0.113.7"]
