"""Whose data a file is: the store a shop export belongs to, and the live accounts a 抖音 file names.

A store export says its store in several places, none of them reliable alone: the preamble line
"店铺名称：…", a 店铺名称 column, the title, the file name. ``guess_store`` tries them in that order
against the stores the company knows (name or alias, compared without spaces, width or case) and,
when a file names no store at all, takes the only store of the platform the kind comes from. It
never invents a store: an unknown name is reported with the candidates, and the wizard offers to
create it, the CLI names it and how to choose (--store).

Live and 抖店 files name accounts (主播昵称 / 达人昵称); ``match_accounts`` finds the live-account
stores (platform 抖音直播) of those names and who ran each in the file's months.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.importers.headers import names_in_text
from core.model import Employee, Store, StoreOwnership

# The platforms a kind's exports come from: a file that names no store goes to the only store
# of these platforms, if there is exactly one.
KIND_PLATFORMS: dict[str, tuple[str, ...]] = {
    "sycm-shop": ("天猫", "淘宝"),
    "taobao-orders": ("淘宝", "天猫"),
    "douyin-orders": ("抖音",),
}

StoreHow = Literal["option", "preamble", "column", "title", "file_name", "only_store", "none"]
StoreProblem = Literal["not_found", "ambiguous", "several_in_file", "none_named"]


@dataclass(frozen=True)
class StoreOption:
    """A store or live account the user can pick."""

    id: int
    name: str
    platform: str
    kind: str
    aliases: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.name}（{self.platform}）"


@dataclass(frozen=True)
class StoreGuess:
    """Which store a store-level file belongs to, or why that is not clear."""

    store: StoreOption | None
    how: StoreHow
    named: str | None = None  # the store name the file gives (unknown to the company if no store)
    problem: StoreProblem | None = None
    candidates: tuple[StoreOption, ...] = ()  # what the user may choose from
    names_in_file: tuple[str, ...] = ()  # several 店铺名称 values in one file


@dataclass(frozen=True)
class AccountMatch:
    """One account a live or 抖店 file names, and the live account it is in Tidui (if any)."""

    name: str
    rows: int
    store: StoreOption | None = None
    owners: tuple[str, ...] = ()  # "王芳（E001）" of the employees running it in the file's months
    orders: int | None = None  # 抖店: distinct orders through it (counted ones)
    gmv: float | None = None  # what those orders (or a live list's sessions) sold, to the fen


def fold(name: str) -> str:
    """A name compared without spaces, full-width forms or case."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def all_stores(session: Session) -> list[StoreOption]:
    """Every shop and live account, read as rows rather than as Store objects: every import
    looks at them all, and a thousand people's shops took 19 ms as objects."""
    query = select(Store.id, Store.name, Store.platform, Store.kind, Store.aliases)
    return [
        StoreOption(id_, name, platform, kind, tuple(aliases or ()))
        for id_, name, platform, kind, aliases in session.execute(
            query.order_by(Store.platform, Store.name)
        )
    ]


def _matches(name: str, stores: Iterable[StoreOption]) -> list[StoreOption]:
    wanted = fold(name)
    if not wanted:
        return []
    exact = [s for s in stores if fold(s.name) == wanted]
    return exact or [s for s in stores if any(fold(a) == wanted for a in s.aliases)]


def _prefer_platform(found: list[StoreOption], kind: str) -> list[StoreOption]:
    platforms = KIND_PLATFORMS.get(kind, ())
    preferred = [s for s in found if s.platform in platforms]
    return preferred or found


def guess_store(
    session: Session,
    kind: str,
    *,
    requested: str | None = None,
    preamble_name: str | None = None,
    column_names: Sequence[str] = (),
    title: str | None = None,
    file_name: str = "",
    file_name_stores: Sequence[str] = (),
) -> StoreGuess:
    """The store of a store-level export of ``kind``; see the module docstring for the order."""
    shops = [s for s in all_stores(session) if s.kind != "live_account"]
    platforms = KIND_PLATFORMS.get(kind, ())
    on_platform = tuple(s for s in shops if s.platform in platforms)
    offered = on_platform or tuple(shops)

    def decide(name: str, how: StoreHow) -> StoreGuess | None:
        found = _prefer_platform(_matches(name, shops), kind)
        if len(found) == 1:
            return StoreGuess(found[0], how, name)
        if len(found) > 1:
            return StoreGuess(None, how, name, "ambiguous", tuple(found))
        return None

    if requested is not None and requested.strip():
        return decide(requested.strip(), "option") or StoreGuess(
            None, "option", requested.strip(), "not_found", offered
        )
    distinct = tuple(dict.fromkeys(n.strip() for n in column_names if n and n.strip()))
    if len(distinct) > 1:
        return StoreGuess(None, "column", None, "several_in_file", offered, distinct)
    unknown: str | None = None
    hints: list[tuple[str, StoreHow]] = []
    if preamble_name:
        hints.append((preamble_name, "preamble"))
    hints += [(name, "column") for name in distinct]
    hints += [(name, "file_name") for name in file_name_stores]
    for name, how in hints:
        guess = decide(name, how)
        if guess is not None:
            return guess
        unknown = unknown or name
    # Known names written inside the title or the file name ("…_悦颜美妆旗舰店_2024…").
    places: tuple[tuple[str, StoreHow], ...] = ((title or "", "title"), (file_name, "file_name"))
    for text, how in places:
        names = {n: s for s in shops for n in (s.name, *s.aliases)}
        hits = names_in_text(text, names)
        stores = list({names[h].id: names[h] for h in hits}.values())
        if len(stores) == 1:
            return StoreGuess(stores[0], how, hits[0])
    if unknown is not None:
        return StoreGuess(None, "none", unknown, "not_found", offered)
    if len(on_platform) == 1:
        return StoreGuess(on_platform[0], "only_store")
    return StoreGuess(None, "none", None, "none_named", offered)


def live_accounts(session: Session) -> list[StoreOption]:
    return [s for s in all_stores(session) if s.kind == "live_account"]


def match_accounts(
    session: Session, counts: Mapping[str, int], months: Sequence[str]
) -> list[AccountMatch]:
    """The live account of each name (by name or alias) and who ran it in ``months``."""
    accounts = live_accounts(session)
    first, last = (min(months), max(months)) if months else (None, None)
    found: list[AccountMatch] = []
    for name, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        matches = _matches(name, accounts)
        store = matches[0] if len(matches) == 1 else None
        owners: tuple[str, ...] = ()
        if store is not None:
            owners = owners_of(session, store.id, first, last)
        found.append(AccountMatch(name, rows, store, owners))
    return found


def owners_of(
    session: Session, store_id: int, first: str | None, last: str | None
) -> tuple[str, ...]:
    """ "姓名（工号）" of everyone running ``store_id`` in some month of first..last (any month if None)."""
    query = (
        select(Employee.name, Employee.no, StoreOwnership.start_month, StoreOwnership.end_month)
        .join(Employee, Employee.id == StoreOwnership.employee_id)
        .where(StoreOwnership.store_id == store_id)
        .order_by(StoreOwnership.start_month)
    )
    names: list[str] = []
    for name, no, start, end in session.execute(query):
        if last is not None and start > last:
            continue
        if first is not None and end is not None and end < first:
            continue
        names.append(f"{name}（{no}）")
    return tuple(dict.fromkeys(names))
