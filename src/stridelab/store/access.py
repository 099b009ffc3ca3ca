"""Who may see which runner: API tokens, roles and grants (nothing here knows about HTTP).

A token is ``secrets.token_urlsafe(32)`` (32 random bytes); only its SHA-256 is stored, so a copy
of the database does not hold a usable token. Roles:

- ``admin``: every runner;
- ``coach``: the runners they created (``runners.owner`` is the coach's user name) and those
  granted to them (table ``grants``);
- ``runner``: the runner of the shared record (owner "", e.g. made by ``stridelab import``) whose id
  is the token's user name, and the runners granted to them (``stridelab token grant``): a coach's
  runner is never visible to a runner token by its id alone, as another coach may use the same id.

A runner a user may not see is reported exactly like one that does not exist (``None``), so a
caller cannot learn that another coach's runner exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from stridelab.errors import InvalidInputError, UsageError
from stridelab.store.models import Runner, grants, tokens
from stridelab.store.models import Session as VisitSession
from stridelab.store.store import Store

ROLES = ("admin", "coach", "runner")

@dataclass(frozen=True)
class Principal:
    """The user behind a valid token."""

    user: str
    role: str
    token_id: int


@dataclass(frozen=True)
class RunnerRef:
    """A runner a principal may see: database id, id (code), owner and display name, with its sessions."""

    id: int
    code: str
    owner: str
    name: str | None
    n_sessions: int
    first_date: dt.date | None
    last_date: dt.date | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.code, "name": self.name, "n_sessions": self.n_sessions,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256 (hex)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_user(user: str) -> str:
    user = user.strip()
    if not user or len(user) > 200 or any(ord(c) < 32 for c in user):
        raise UsageError("--user must be a non-empty name of at most 200 printable characters")
    return user


def create_token(store: Store, user: str, role: str) -> str:
    """A new token for ``user`` with ``role``; returned once, only its hash is stored."""
    if role not in ROLES:
        raise UsageError(f"--role must be one of {', '.join(ROLES)} (got {role!r})")
    token = secrets.token_urlsafe(32)
    with store.write() as s:
        s.execute(tokens.insert().values(user=check_user(user), role=role, token_sha256=token_hash(token), created_at=_now()))
    return token


def revoke(store: Store, *, token: str | None = None, user: str | None = None) -> int:
    """Revoke one token, or every token of ``user``; the number revoked."""
    if (token is None) == (user is None):
        raise UsageError("give the token to revoke, or --user NAME to revoke all of a user's tokens")
    cond = tokens.c.token_sha256 == token_hash(token) if token is not None else tokens.c.user == user
    with store.write() as s:
        res: Any = s.execute(update(tokens).where(cond, tokens.c.revoked_at.is_(None)).values(revoked_at=_now()))
    return int(res.rowcount or 0)


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None."""
    if not token or len(token) > 200:
        return None
    with store.read() as s:
        row = s.execute(
            select(tokens.c.id, tokens.c.user, tokens.c.role).where(tokens.c.token_sha256 == token_hash(token), tokens.c.revoked_at.is_(None))
        ).first()
    return None if row is None else Principal(row.user, row.role, row.id)


def _visible(p: Principal) -> Any:
    granted = select(grants.c.runner_id).where(grants.c.user == p.user)
    if p.role == "admin":
        return None
    if p.role == "coach":
        return or_(Runner.owner == p.user, Runner.id.in_(granted))
    return or_(and_(Runner.code == p.user, Runner.owner == ""), Runner.id.in_(granted))


def visible_runners(store: Store, p: Principal, code: str | None = None) -> list[RunnerRef]:
    """The runners ``p`` may see (only those with id ``code`` when given), by id and owner."""
    q = (
        select(Runner.id, Runner.code, Runner.owner, Runner.name, func.count(VisitSession.id), func.min(VisitSession.date), func.max(VisitSession.date))
        .outerjoin(VisitSession, VisitSession.runner_id == Runner.id)
        .group_by(Runner.id, Runner.code, Runner.owner, Runner.name)
        .order_by(Runner.code, Runner.owner)
    )
    cond = _visible(p)
    if cond is not None:
        q = q.where(cond)
    if code is not None:
        q = q.where(Runner.code == code)
    with store.read() as s:
        return [RunnerRef(i, c, o, n, int(k), d0, d1) for i, c, o, n, k, d0, d1 in s.execute(q)]


def find_runner(store: Store, p: Principal, code: str) -> RunnerRef | None:
    """The runner with id ``code`` that ``p`` may see; None when there is none (or it is not theirs).
    When several owners use the same id, the principal's own runner comes first."""
    rows = visible_runners(store, p, code)
    if not rows:
        return None
    own = [r for r in rows if r.owner == (p.user if p.role == "coach" else "")]
    return (own or rows)[0]


def create_runner(store: Store, p: Principal, code: str, name: str | None = None) -> RunnerRef:
    """A new runner owned by coach ``p`` (admins create runners of the shared record, owner "").
    Runners cannot create runners; an id the owner already uses is refused."""
    if p.role == "runner":
        raise PermissionError("a runner token cannot create runners")
    owner = p.user if p.role == "coach" else ""
    try:
        with store.write() as s:
            s.add(Runner(code=code, owner=owner, name=name, created_at=_now()))
    except IntegrityError:
        raise InvalidInputError(f"runner {code!r} already exists") from None
    ref = find_runner(store, p, code)
    assert ref is not None
    return ref


def grant(store: Store, code: str, user: str, owner: str = "") -> None:
    """Give ``user`` access to runner ``code`` of ``owner``."""
    with store.write() as s:
        rid = s.scalar(select(Runner.id).where(Runner.code == code, Runner.owner == owner))
        if rid is None:
            raise InvalidInputError(f"no runner {code!r} of owner {owner!r} in the record")
        if s.execute(select(grants.c.runner_id).where(grants.c.runner_id == rid, grants.c.user == user)).first() is None:
            s.execute(grants.insert().values(runner_id=rid, user=check_user(user), created_at=_now()))


__all__ = [
    "ROLES", "Principal", "RunnerRef", "authenticate", "check_user", "create_runner", "create_token", "find_runner",
    "grant", "revoke", "token_hash", "visible_runners",
]
