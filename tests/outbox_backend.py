"""E-mail backend for the outbox integration test: one file per message in OUTBOX_TEST_DIR, named by the
outbox key. With OUTBOX_TEST_PAUSE_AFTER=N it stops forever before writing message N+1 and drops a
"paused" marker, so the test can kill the worker at a known point in the middle of a batch."""

import hashlib
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["OUTBOX_TEST_DIR"])
        pause_after = int(os.environ.get("OUTBOX_TEST_PAUSE_AFTER", "0"))
        for message in email_messages:
            written = len(list(folder.glob("*.eml")))
            if pause_after and written >= pause_after:
                (folder / "paused").touch()
                while True:  # the test kills us here
                    time.sleep(1)
            # One e-mail may carry several outbox rows of one recipient: one file per row it delivers.
            for key in message.extra_headers["X-Thidua-Message"].split():
                name = hashlib.sha256(key.encode()).hexdigest()
                # A second delivery of the same row would be a second file: name.1.eml, name.2.eml ...
                n = len(list(folder.glob(f"{name}*.eml")))
                (folder / f"{name}.{n}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
