"""Child process for the store's kill and race tests (run as a script, not collected by pytest).

    python tests/_store_child.py kill URL ANALYSIS.pkl FILE READY_FLAG
        stores the analysis for runner "killed"; after the first flush inside the transaction it
        touches READY_FLAG and sleeps, so that the test can SIGKILL it mid-import.
    python tests/_store_child.py race URL ANALYSIS.pkl FILE GO_FLAG RUNNER...
        waits for GO_FLAG, then stores the analysis for each RUNNER; prints one status per line.
"""

from __future__ import annotations

import datetime as dt
import pickle
import sys
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from stridelab.store import Store, store_analysis


def main() -> None:
    mode, url, pkl, file = sys.argv[1:5]
    analysis = pickle.loads(Path(pkl).read_bytes())
    store = Store(url)
    if mode == "kill":
        flag = Path(sys.argv[5])

        @event.listens_for(Session, "after_flush")
        def _pause(session: object, ctx: object) -> None:
            flag.touch()
            time.sleep(120)

        store_analysis(store, "killed", analysis, {"file": Path(file)}, date=dt.date(2026, 1, 1))
        return
    go = Path(sys.argv[5])
    while not go.exists():
        time.sleep(0.01)
    for runner in sys.argv[6:]:
        r = store_analysis(store, runner, analysis, {"file": Path(file)}, date=dt.date(2026, 1, 1))
        print(f"{runner} {r.status}", flush=True)


if __name__ == "__main__":
    main()
