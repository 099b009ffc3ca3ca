"""The CLI package turns NumPy's transparent-huge-page advice off before NumPy loads (issue 12),
unless the environment says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = (
    "import stridelab.cli.main\n"
    "from numpy._core import multiarray as m\n"
    "print(m._get_madvise_hugepage())"
)


def _advice(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    return subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, env=env).stdout.strip()


def test_cli_turns_numpy_huge_page_advice_off_by_default() -> None:
    assert _advice(None) == "False"


def test_the_environment_still_decides() -> None:
    assert _advice("1") == "True"
