# Two commands for a fresh machine (see README): `make demo` and `make test`.
# Needs only python3 (with venv) and make; uv and Python 3.12 are fetched from PyPI / uv on first use.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PY := .venv/bin/python
PORT ?= 8000
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 DJANGO_DEBUG=true CELERY_TASK_ALWAYS_EAGER=true \
            DJANGO_SECURE_SSL_REDIRECT=false SITE_URL=http://127.0.0.1:$(PORT) MFA_REQUIRED_ROLES=

.PHONY: demo test lint bench install

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python 3.12
	@touch $@

install: .venv/.synced

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Cổng thi đua đang chạy tại http://127.0.0.1:$(PORT)/  (Ctrl+C để dừng)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default 127.0.0.1).
# pytest's exit 5 (no tests collected) is a failure, said out loud.
test: install
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "FAILED: pytest collected no tests (exit 5)." >&2; fi; exit $$rc

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) manage.py bench_pages
