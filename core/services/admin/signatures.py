"""Checking that every audit entry was signed by the account it names (core/storage/signing.py).

The chain itself publishes who may sign: the first entry (``company.create``) carries the
owner's public key and is signed by it; every later key (a new account, a reset or re-enabled
password, a key replaced with the recovery key) is published in the ``after`` of the entry that
made it, signed by an owner, or by the account itself with its previous key. An account created
before signing existed may publish its first key itself, once, at its next log-in
(``user.signing_key``). Walking the chain in order, each entry's signature is checked against
the key its author had at that point, so an entry written or rewritten with the file key alone
(no password) does not check, nor does anything published by it.

Entries before the first signed one (a file from before signing) are counted as such, not as
tampering; entries by no person (``SYSTEM_ACTOR``) are listed as unsigned by design.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from core.i18n import Message
from core.model import AuditEntry
from core.permissions import Perm, Role, require
from core.session import SYSTEM_ACTOR, AppSession
from core.storage.signing import Signer, public_key, signed_by

# Entries that may publish a signing key (``after["signing_key"]``) for ``after["login"]``
# (``after["owner"]`` for company.create).
PUBLISHERS = (
    "company.create",
    "user.add",
    "user.reset_password",
    "user.change_password",
    "user.enable",
    "user.recover",
    "user.signing_key",
)
# Entries that say which role an account has (so that who may vouch for a key is known).
_ROLE_ACTIONS = ("company.create", "user.add", "user.role")
_CONTENT = (*PUBLISHERS, *_ROLE_ACTIONS, "user.disable")
# At most this many entries are named one by one; the rest are counted.
MAX_NAMED = 10
# At log-in only the newest entries are checked (verify checks all).
LOGIN_TAIL = 50


@dataclass(frozen=True)
class Row:
    position: int  # 1-based place in the chain
    at: datetime
    actor: str
    action: str
    after: Any
    hash: str
    signature: str | None
    entry_id: int = 0  # AuditEntry.id (0: not asked for, as at log-in)


@dataclass
class SignatureReport:
    entries: int = 0
    signed: int = 0
    pre_signing: int = 0
    pre_signing_last: datetime | None = None
    problems: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    not_signed: int = 0
    system: list[int] = field(default_factory=list)
    # entry id → SIGNED, PRE_SIGNING, SYSTEM or NOT_SIGNED, for the audit viewer (full walks)
    states: dict[int, str] = field(default_factory=dict)


SIGNED = "signed"
PRE_SIGNING = "pre_signing"
SYSTEM = "system"
NOT_SIGNED = "not_signed"


def _when(at: datetime) -> str:
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _params(row: Row) -> dict[str, Any]:
    return {"n": row.position, "at": _when(row.at), "action": row.action, "actor": row.actor}


class _Walk:
    """The state of one pass along the chain: published keys, roles, where signing began."""

    def __init__(self) -> None:
        self.keys: dict[str, Ed25519PublicKey] = {}
        self.roles: dict[str, str] = {}
        self.pre_accounts: set[str] = set()  # created before signing: may take a key once
        self.had_key: set[str] = set()
        self.era = False
        self.report = SignatureReport()

    def _track(self, row: Row, after: dict[str, Any], pre: bool) -> None:
        if row.action not in _ROLE_ACTIONS:
            return
        login = after.get("owner" if row.action == "company.create" else "login")
        role = Role.OWNER.value if row.action == "company.create" else after.get("role")
        if isinstance(login, str) and isinstance(role, str):
            self.roles[login.casefold()] = role
            if pre and row.action != "user.role":
                self.pre_accounts.add(login.casefold())

    def _state(self, row: Row, state: str) -> None:
        if row.entry_id:
            self.report.states[row.entry_id] = state

    def _not_signed(self, row: Row) -> None:
        self._state(row, NOT_SIGNED)
        self.report.not_signed += 1
        if self.report.not_signed <= MAX_NAMED:
            self.report.problems.append(Message("audit.not_signed_by_author", _params(row)))

    def step(self, row: Row) -> None:
        report = self.report
        report.entries += 1
        after: dict[str, Any] = row.after if isinstance(row.after, dict) else {}
        published = after.get("signing_key") if row.action in PUBLISHERS else None
        if not self.era and (row.signature is not None or published is not None):
            self.era = True
        if not self.era:
            report.pre_signing += 1
            report.pre_signing_last = row.at
            self._state(row, PRE_SIGNING)
            self._track(row, after, pre=True)
            return
        if row.actor == SYSTEM_ACTOR:
            report.system.append(row.position)  # by no person; publishes nothing
            self._state(row, SYSTEM)
            return
        who = row.actor.casefold()
        target = after.get("owner" if row.action == "company.create" else "login")
        target = target.casefold() if isinstance(target, str) else None
        new_key = public_key(published) if published is not None else None
        if published is not None and new_key is None:
            report.problems.append(Message("audit.bad_signing_key", _params(row)))
        own = new_key is not None and target == who
        # the key that must have signed: the new one where it may sign itself in
        fresh = own and self._may_sign_with_new_key(row, who)
        check = new_key if fresh else self.keys.get(who)
        if check is None or not signed_by(check, row.hash, row.signature):
            self._not_signed(row)
            return
        report.signed += 1
        self._state(row, SIGNED)
        if new_key is not None and target is not None:
            if own or self.roles.get(who) == Role.OWNER.value:
                self.keys[target] = new_key
                self.had_key.add(target)
                if row.action == "user.recover":
                    report.notes.append(
                        Message("audit.key_recovered", {**_params(row), "login": row.actor})
                    )
            else:
                report.problems.append(
                    Message("audit.key_not_vouched", {**_params(row), "target": str(target)})
                )
        if row.action == "user.disable" and target and self.roles.get(who) == Role.OWNER.value:
            # a disabled account signs nothing more (re-enabling it publishes a new key)
            self.keys.pop(target, None)
        self._track(row, after, pre=False)

    def _may_sign_with_new_key(self, row: Row, who: str) -> bool:
        """May this entry, publishing its own author's key, be signed by that new key?"""
        if row.action == "company.create":
            return row.position == 1  # the root: only the file's first entry
        if row.action == "user.recover":
            return self.roles.get(who) == Role.OWNER.value  # the recovery key's power
        if row.action == "user.signing_key":
            return who not in self.had_key and who in self.pre_accounts
        return False


def _columns(place: Any) -> Any:
    return select(
        place,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        # only the entries that publish keys or name roles need their content
        case((AuditEntry.action.in_(_CONTENT), AuditEntry.after)),
        AuditEntry.hash,
        AuditEntry.signature,
    )


def _rows(session: Session) -> Iterable[Row]:
    """Every entry in chain order, with its 1-based place."""
    query = _columns(AuditEntry.id).order_by(AuditEntry.id)
    for place, (entry_id, at, actor, action, after, digest, signature) in enumerate(
        session.execute(query), 1
    ):
        yield Row(place, at, actor, action, after, digest, signature, entry_id)


def _login_rows(session: Session, tail: int) -> list[Row]:
    """The newest ``tail`` entries, and before them only those that publish keys or name
    roles (each with its place, counted without reading the whole log)."""
    newest = list(
        session.execute(_columns(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(tail))
    )
    if not newest:
        return []
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    first_id = newest[-1][0]
    earlier = aliased(AuditEntry)
    place = select(func.count(earlier.id)).where(earlier.id <= AuditEntry.id).scalar_subquery()
    early = session.execute(
        _columns(place)
        .where(AuditEntry.id < first_id, AuditEntry.action.in_(_CONTENT))
        .order_by(AuditEntry.id)
    )
    rows = [Row(*r) for r in early]
    start = total - len(newest)
    rows += [Row(start + i, *r[1:]) for i, r in enumerate(reversed(newest), 1)]
    return rows


def _finish(walk: _Walk, signer: Signer | None, login: str) -> SignatureReport:
    report = walk.report
    extra = report.not_signed - MAX_NAMED
    if extra > 0:
        report.problems.append(
            Message("audit.not_signed_more", {"count": extra, "total": report.not_signed})
        )
    if signer is not None:
        # The key this password unlocked must be the one the chain names: a chain rewritten
        # from its founding entry with another key, or stripped of its signatures to look
        # older than signing (by a file-key holder), shows here.
        published = walk.keys.get(login.casefold())
        if published is None or published.public_bytes_raw() != signer.public_raw:
            report.problems.insert(0, Message("audit.own_key_mismatch", {"login": login}))
    if report.pre_signing:
        last = report.pre_signing_last
        report.notes.insert(
            0,
            Message(
                "audit.pre_signing",
                {"count": report.pre_signing, "last": "" if last is None else _when(last)},
            ),
        )
    if report.system:
        report.notes.append(
            Message(
                "audit.system_entries", {"count": len(report.system), "first": report.system[0]}
            )
        )
    return report


def check(app: AppSession) -> SignatureReport:
    """Every entry's signature against its author's published key, and the logged-in
    account's own key against the one the chain names for it (verify)."""
    walk = _Walk()
    with app.read() as session:
        for row in _rows(session):
            walk.step(row)
    return _finish(walk, app.signer, app.actor.login)


def login_warnings(app: AppSession, tail: int = LOGIN_TAIL) -> list[Message]:
    """At log-in (at most three sentences): the newest ``tail`` entries' signatures against the
    keys the chain publishes (the key-publishing entries are read, the rest skipped), and the
    account's own key against the chain's; verify checks everything."""
    walk = _Walk()
    with app.read() as session:
        for row in _login_rows(session, tail):
            walk.step(row)
    report = _finish(walk, app.signer, app.actor.login)
    return [m for m in report.problems if m.code != "audit.not_signed_more"][:3]


def entry_states(app: AppSession) -> dict[int, str]:
    """Each audit entry's signature state (SIGNED, PRE_SIGNING, SYSTEM, NOT_SIGNED) by entry
    id, for the owner's audit viewer: the same walk as verify."""
    require(app.actor, Perm.VIEW_AUDIT)
    return check(app).states
