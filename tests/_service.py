"""Helpers of the service tests: a record with tokens of every role, and an app over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stridelab.service import ServiceConfig, create_app
from stridelab.store import Store
from stridelab.store.access import create_token, grant, revoke


@dataclass
class Tokens:
    admin: str
    coach_a: str
    coach_b: str
    runner: str  # a runner token of user "R1" (see grant_r1)
    revoked: str


def make_record(tmp: Path, url: str | None = None) -> tuple[Path | str, Tokens]:
    """A record (SQLite in ``tmp``, or the database ``url``) with a token of every role and a revoked one."""
    db: Path | str = url or tmp / "record.sqlite"
    with Store(db) as st:
        toks = Tokens(create_token(st, "root", "admin"), create_token(st, "coach-a", "coach"), create_token(st, "coach-b", "coach"),
                      create_token(st, "R1", "runner"), create_token(st, "coach-a", "coach"))
        revoke(st, token=toks.revoked)
    return db, toks


def grant_r1(db: Path | str) -> None:
    """Give coach A's runner R1 to the runner token's user "R1" (``stridelab token grant``)."""
    with Store(db) as st:
        grant(st, "R1", "R1", owner="coach-a")


def make_app(db: Path | str, tmp: Path, **kw: object):  # type: ignore[no-untyped-def]
    return create_app(ServiceConfig(db=str(db), upload_dir=tmp / "uploads", **kw))  # type: ignore[arg-type]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
