"""A bounded, seeded sample of the broken-and-hostile-input corpus (tests/_fuzz_inputs.py), run
through the command line in this process: no input overwritten, no internal error or warning, no
hang, no exit 0 with implausible numbers or where a refusal is due. The whole corpus (hangs and
memory measured per process) is validation/fuzz_corpus.py.

Inputs are derived from the real recordings in ../shared/data; the IMU base file is SYNTHETIC.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from _fuzz_inputs import CATEGORIES, Case, file_digest, generate, judge, make_bases
from stridelab.cli.main import main

#: Cases per category in the default suite (a fixed, seeded draw), and the time limit of each.
PER_CATEGORY = 2
TIMEOUT_S = 60


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


@pytest.fixture(scope="module")
def bases(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_bases(shared_data, tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def corpus(bases: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Case]]:
    work = tmp_path_factory.mktemp("cases")
    cases = generate(bases, work, seed=0, per_category=1)
    rng = random.Random(18)
    sample: list[Case] = []
    for cat in CATEGORIES:
        of = [c for c in cases if c.category == cat and "--population" not in c.args]
        sample += rng.sample(of, min(PER_CATEGORY, len(of)))
    yield sample


def test_generator_is_seeded_and_covers_every_category(bases: dict[str, Path], tmp_path: Path) -> None:
    a = generate(bases, tmp_path / "a", seed=5, per_category=1)
    b = generate(bases, tmp_path / "b", seed=5, per_category=1)
    assert [c.name for c in a] == [c.name for c in b]
    assert {c.category for c in a} == set(CATEGORIES)
    first_a = next(c for c in a if c.category == "byte_flip")
    first_b = next(c for c in b if c.category == "byte_flip")
    assert Path(first_a.args[1]).read_bytes() == Path(first_b.args[1]).read_bytes()


def test_sample_of_broken_inputs(corpus: list[Case], capsys: pytest.CaptureFixture[str]) -> None:
    bad = []
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for case in corpus:
            before = {p: file_digest(p) for p in case.inputs}
            t0 = time.monotonic()
            timed_out = False
            signal.alarm(TIMEOUT_S)
            try:
                code: int | None = main(case.args)
            except _Hang:
                code, timed_out = None, True
            finally:
                signal.alarm(0)
            err = capsys.readouterr().err
            o = judge(case, code, err, before, time.monotonic() - t0, None, timed_out)
            if o.verdict != "ok":
                bad.append(f"{o.verdict}: {case.category} / {case.name}: {o.detail}")
    finally:
        signal.signal(signal.SIGALRM, old)
    assert not bad, "\n".join(bad)
