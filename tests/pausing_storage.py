"""A file storage for the report worker-crash test: with REPORT_TEST_PAUSE=<marker path> set, it saves a
report file, drops the marker and then waits forever — the worker is killed in that state (file written,
job not yet marked done)."""

import os
import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage


class PausingStorage(FileSystemStorage):
    def _save(self, name, content):
        saved = super()._save(name, content)
        marker = os.environ.get("REPORT_TEST_PAUSE")
        if marker and name.startswith("reports/"):
            Path(marker).write_text(saved)
            while True:
                time.sleep(1)
        return saved
