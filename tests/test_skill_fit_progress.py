"""Progress of ``stridelab skill fit`` (issue 10, item 5): a bar of the cross-validation's fits with
the rate and the time left on a terminal; nothing drawn off a terminal or with -q; warnings on
stderr either way. SYNTHETIC toy populations (the bar, not the model, is tested)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

import stridelab.skill.fit as fit_module
from _skill_toy import toy_population
from stridelab.skill.fit import FitOptions, fit_model
from stridelab.skill.stridefiles import write_stride_folder

EXE = Path(sys.executable).with_name("stridelab")
BAR = re.compile(r"cross-validating .*?(\d+)/(\d+)\S* (\d+) fits/s left")


def test_the_bar_counts_every_fit_of_the_cross_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, float | None, str]] = []
    done: list[float] = []

    @contextmanager
    def recorder(description: str, total: float | None, unit: str = "frames") -> Iterator[Callable[[float], None]]:
        calls.append((description, total, unit))
        yield done.append

    monkeypatch.setattr(fit_module, "progress", recorder)
    pop, _ = toy_population(n=14, seed=2)
    opts = FitOptions(n_permutations=3, n_repeats=2, n_pairs=3, n_boot=10, n_orientation_permutations=9)
    fit_model(pop, opts)
    # (1 target + 3 permutations) x 2 repeats x 5 folds, then 3 learning-curve fractions x 2 x 5
    assert calls == [("cross-validating", 4 * 2 * 5 + 3 * 2 * 5, "fits")]
    assert sum(done) == calls[0][1]
    assert done[:10] == [4.0] * 10  # a fold of the cross-validation fits the target and its permutations


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pop, _ = toy_population(n=16, seed=3)
    out = write_stride_folder(pop, tmp_path_factory.mktemp("skillbar") / "pop")
    runners = pd.read_csv(out / "runners.tsv", sep="\t")
    runners.loc[0, "pace_min_per_km"] = None  # one runner without a pace: a warning
    runners.to_csv(out / "runners.tsv", sep="\t", index=False)
    return out


def _run(args: list[str], terminal: bool) -> tuple[int, str, str]:
    """The CLI with stderr on a pseudo-terminal (``terminal``) or a pipe; (exit code, stdout, stderr)."""
    env = {**os.environ, "COLUMNS": "100"}
    if not terminal:
        p = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    proc = subprocess.Popen([EXE, *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    return proc.wait(timeout=120), out, b"".join(chunks).decode(errors="replace")


def test_bar_with_rate_and_time_left_on_a_terminal(folder: Path, tmp_path: Path) -> None:
    rc, out, err = _run(["skill", "fit", "--population", str(folder), "--out", str(tmp_path / "m.json"),
                         "--permutations", "9", "--repeats", "2"], terminal=True)  # fmt: skip
    assert rc == 0, err
    bars = BAR.findall(err)
    assert bars, err[-2000:]
    assert {int(total) for _, total, _ in bars} == {10 * 2 * 5 + 3 * 2 * 5}
    assert len({int(n) for n, _, _ in bars}) > 1  # the count moves
    assert "cross-validated r" in out
    assert "warning: 1 runner(s) without a known pace left out" in err


@pytest.mark.parametrize("terminal", [True, False])
def test_quiet_draws_nothing_but_keeps_warnings(folder: Path, tmp_path: Path, terminal: bool) -> None:
    rc, out, err = _run(["skill", "fit", "--population", str(folder), "--out", str(tmp_path / "m.json"),
                         "--permutations", "2", "--repeats", "1", "-q"], terminal=terminal)  # fmt: skip
    assert rc == 0, err
    assert out == ""
    assert err.strip().splitlines() == ["warning: 1 runner(s) without a known pace left out"]
    assert (tmp_path / "m.json").is_file()


def test_off_a_terminal_no_bar(folder: Path, tmp_path: Path) -> None:
    rc, out, err = _run(["skill", "fit", "--population", str(folder), "--out", str(tmp_path / "m.json"),
                         "--permutations", "2", "--repeats", "1"], terminal=False)  # fmt: skip
    assert rc == 0, err
    assert "cross-validated r" in out
    assert "\x1b" not in err and "fits/s" not in err
    assert err.strip().splitlines() == ["warning: 1 runner(s) without a known pace left out"]
