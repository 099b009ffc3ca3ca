"""Shared fixtures. Tests that need the real recordings in ../shared/data skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real recordings (../shared/data); skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"real data folder {SHARED} is absent (set STRIDELAB_SHARED_DATA); CI always has it")
    return SHARED


@pytest.fixture(scope="session")
def fukuchi(shared_data: Path) -> Path:
    return shared_data / "mocap" / "fukuchi2017"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return ROOT / "examples" / "fukuchi2017"
