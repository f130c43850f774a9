"""The test PKI (a root, an intermediate, signers) and a trust store made of its root, for every signature test."""

from __future__ import annotations

import pytest

from .pki import make_pki


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture
def trust(pki, tmp_path, settings):
    """SIGNATURE_TRUST_ROOTS holds the test root only; uploads go to a media folder of the test's own."""
    path = tmp_path / "roots.pem"
    path.write_bytes(pki.root.pem)
    settings.SIGNATURE_TRUST_ROOTS = str(path)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return path
