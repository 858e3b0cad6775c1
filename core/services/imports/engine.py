"""Importing a spreadsheet as one undoable batch: open → preview → commit, plus undo, the history and mapping profiles.

The wizard and ``tidui-cli import`` call the same functions:

* ``open_file`` reads the top of a sheet, finds the header row, guesses the kind and applies a
  saved mapping profile for the same header set;
* ``mapping_for`` gives the column mapping of a kind (the profile's or the automatic one);
* ``preview`` parses every row (values, per-cell errors and warnings, skipped rows, monthly
  totals) and guesses whose data it is (store, live accounts);
* ``check`` tells what is already in the company file (the same file, overlapping facts);
* ``commit`` stores everything in ONE transaction: a batch row, the facts (or, for Tidui's own
  templates, what archive_import writes), stores and accounts the user chose to create, and an
  audit entry. Nothing is half-written: an error or a cancel rolls all of it back.
* ``import_file`` is the CLI's one-shot version; it decides as the wizard would by default and
  raises a clear error where the wizard would ask a person.

Duplicates (``on_duplicate``): "skip" leaves what is stored alone and imports the rest; "replace"
marks the older facts ``superseded_by`` the new batch (undoing it brings them back); "fail"
raises before anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import metrics as mx
from core.errors import NotFound, ValidationError
from core.i18n import Message
from core.importers import reading
from core.importers.headers import ColumnMapping, SheetAnalysis, analyse, normalise_header
from core.importers.problems import RowProblem
from core.importers.reading import Sheet, WorkbookInfo
from core.importers.sources import source_kind
from core.importers.table import CellIssue, ParsedTable, SkippedRow, parse_table
from core.importers.totals import MonthTotals, monthly_totals
from core.model import ImportBatch, ImportProfile, OrderFact, Store, StoreOwnership
from core.model.base import utcnow
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Progress
from core.services.archive import stores
from core.services.archive import template_import as archive_import
from core.services.eligibility import order_totals
from core.services.imports import facts
from core.services.imports.owners import (
    AccountMatch,
    StoreGuess,
    StoreOption,
    all_stores,
    fold,
    guess_store,
    match_accounts,
)
from core.session import AppSession, UnitOfWork

OnDuplicate = Literal["skip", "replace", "fail"]
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("skip", "replace", "fail")
TEMPLATE_KINDS = frozenset(archive_import.APPLIERS)
# The field naming the account of each row, for the kinds tied to live accounts.
ACCOUNT_FIELDS = {"douyin-live": "account_name", "douyin-orders": "author_name"}
_PSEUDONYM_CONTEXT = b"tidui.import.buyer-pseudonym.v1"


# --- results the wizard and the CLI show -------------------------------------------------------


@dataclass(frozen=True)
class BatchRef:
    id: int
    file_name: str
    created_at: datetime
    user_login: str


@dataclass
class ImportResult:
    """What one import did (or, for a dry run, would do)."""

    batch_id: int | None
    kind: str
    file_name: str
    store: str | None = None
    rows: int = 0  # data rows below the header (imported + skipped)
    imported: int = 0
    skipped: int = 0
    months: list[str] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    duplicates: int = 0  # rows skipped because they were already imported
    # the rows skipped in the file itself (合计, notes, orders that do not count), each with why
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    replaced: int = 0  # older facts this batch superseded
    duplicate_of: BatchRef | None = None  # the same file, imported before (nothing done)
    dry_run: bool = False
    totals: list[MonthTotals] = field(default_factory=list)
    # 抖店 orders through creators (达人) that are none of the company's live accounts: they
    # count for the store's GMV, for no live account
    unmatched_creators: list[AccountMatch] = field(default_factory=list)

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        """docs/cli.md's JSON, plus a few keys of our own after them."""
        return {
            "batch": self.batch_id,
            "source": self.kind,
            "rows": self.rows,
            "imported": self.imported,
            "skipped": self.skipped,
            "errors": [p.as_json(lang) for p in self.errors],
            "months": list(self.months),
            "file": self.file_name,
            "store": self.store,
            "warnings": [p.as_json(lang) for p in self.warnings],
            "duplicates": self.duplicates,
            "replaced": self.replaced,
            "duplicate_of": self.duplicate_of.id if self.duplicate_of else None,
            "dry_run": self.dry_run,
            "notes": [n.text(lang) for n in self.notes],
            "unmatched_creators": [
                {"name": a.name, "orders": a.orders, "gmv": a.gmv} for a in self.unmatched_creators
            ],
        }


# --- opening a file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileInfo:
    """A saved column mapping: field -> the header text it was taken from."""

    id: int
    name: str
    kind: str
    signature: str
    mapping: dict[str, str]


@dataclass
class ImportFile:
    """One sheet of one file, read far enough to show it and guess what it is."""

    path: Path
    info: WorkbookInfo
    sheet: Sheet
    top: list[list[Any]]
    analysis: SheetAnalysis
    # the file's SHA-256, or its computation still running on another thread
    digest: str | Future[str]
    profile: ProfileInfo | None = None

    @property
    def sha256(self) -> str:
        if isinstance(self.digest, Future):
            self.digest = self.digest.result()
        return self.digest

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def header_row(self) -> int:
        return self.analysis.header.row

    @property
    def detected_kind(self) -> str | None:
        """The kind the header (or a saved profile) says, None when unsure."""
        if self.profile is not None:
            return self.profile.kind
        best = self.analysis.best
        return best.kind if best else None

    def confidence(self, kind: str) -> float:
        return self.analysis.guess_for(kind).confidence

    def ensure_open(self) -> None:
        """Reopen the sheet if ``commit`` closed it to free memory (the user went back)."""
        if self.sheet.closed:
            self.sheet = reading.open_sheet(self.path, self.sheet.name)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    # hashlib lets other threads run while it hashes a chunk: big chunks, few hand-overs
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(4 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Work that waits on the disk or in SQLite/hashlib, which let Python run meanwhile: the one-shot
# import hashes the file, checks the company file and sums its months while it parses.
_BESIDE = ThreadPoolExecutor(max_workers=3, thread_name_prefix="tidui-import-check")


def in_background(work: Callable[[], Any]) -> Future[Any]:
    """``work()`` on another thread; the Future holds its result or its exception."""
    return _BESIDE.submit(work)


def inspect(app: AppSession, path: Path) -> WorkbookInfo:
    """The file's format and sheets (raises a clear ImportFileError for unreadable files)."""
    require(app.actor, Perm.IMPORT_DATA)
    return reading.inspect_file(path)


def open_file(
    app: AppSession,
    path: Path,
    sheet: str | int | None = None,
    header_row: int | None = None,
    *,
    sha256: str | Future[str] | None = None,
) -> ImportFile:
    """Read ``sheet`` (default: the first with data) far enough to preview and recognise it.

    ``sha256``: the file's hash when the caller has it (or is computing it), else it is
    computed here.
    """
    require(app.actor, Perm.IMPORT_DATA)
    path = Path(path)

    # a 说明 sheet before the data is passed over for the first sheet of a kind Tidui knows
    def known(top: Any) -> bool:
        return analyse(top, path.name, header_row).best is not None

    info, opened = reading.open_with_info(path, sheet, prefer=known)
    top = opened.top()
    analysis = analyse(top, path.name, header_row)
    with app.read() as s:
        profile = find_profile(s, analysis.signature)
    digest = file_sha256(path) if sha256 is None else sha256
    return ImportFile(path, info, opened, top, analysis, digest, profile)


def with_header_row(file: ImportFile, header_row: int) -> ImportFile:
    """The same sheet read with the header on another row (the user's choice in the wizard)."""
    analysis = analyse(file.top, file.file_name, header_row)
    return replace(
        file,
        analysis=analysis,
        profile=file.profile if analysis.signature == file.analysis.signature else None,
    )


def mapping_for(file: ImportFile, kind: str) -> tuple[ColumnMapping, ProfileInfo | None]:
    """The column mapping of ``kind``: the saved profile's when one fits, else the automatic one.

    The mapping may lack required columns; ``ColumnMapping.missing_required`` says which.
    """
    auto = file.analysis.guess_for(kind).mapping
    profile = file.profile
    if profile is None or profile.kind != kind:
        return auto, None
    return apply_profile(auto, profile), profile


# --- profiles ----------------------------------------------------------------------------------


def _profile_info(row: ImportProfile) -> ProfileInfo:
    return ProfileInfo(row.id, row.name, row.source, row.header_signature, dict(row.mapping or {}))


def find_profile(session: Session, signature: str) -> ProfileInfo | None:
    row = session.scalars(
        select(ImportProfile)
        .where(ImportProfile.header_signature == signature)
        .order_by(ImportProfile.id.desc())
    ).first()
    return _profile_info(row) if row is not None else None


def apply_profile(auto: ColumnMapping, profile: ProfileInfo) -> ColumnMapping:
    """The automatic mapping changed the way the profile says (fields absent from it unmapped)."""
    columns = {normalise_header(h): i for i, h in enumerate(auto.headers) if normalise_header(h)}
    mapping = auto
    for name in list(auto.columns):
        if name not in profile.mapping:
            mapping = mapping.without(name)
    for name, header in profile.mapping.items():
        column = columns.get(normalise_header(header))
        if column is None:
            continue
        try:
            mapping = mapping.with_column(name, column)
        except KeyError:  # a field the kind no longer has
            continue
    return mapping


def list_profiles(app: AppSession) -> list[ProfileInfo]:
    require(app.actor, Perm.IMPORT_DATA)
    with app.read() as s:
        return [
            _profile_info(p) for p in s.scalars(select(ImportProfile).order_by(ImportProfile.name))
        ]


def save_profile(
    app: AppSession, name: str, file: ImportFile, mapping: ColumnMapping
) -> ProfileInfo:
    """Save ``mapping`` as profile ``name``; it is then used for every file with this header set.

    A profile of the same name is overwritten, as is an older profile for the same headers.
    """
    require(app.actor, Perm.IMPORT_DATA)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("imports.profile_name_required", field="name")
    if len(name) > 64:
        raise ValidationError("imports.profile_name_long", field="name", max=64)
    signature = file.analysis.signature
    stored = {f: m.header for f, m in mapping.columns.items()}
    with app.uow() as uow:
        s = uow.session
        for old in s.scalars(
            select(ImportProfile).where(
                (ImportProfile.name == name)
                | (
                    (ImportProfile.header_signature == signature)
                    & (ImportProfile.source == mapping.kind)
                )
            )
        ).all():
            uow.audit(
                "import.profile_delete",
                "import_profile",
                old.id,
                before={"name": old.name, "source": old.source, "mapping": old.mapping},
            )
            s.delete(old)
        s.flush()
        row = ImportProfile(
            name=name, source=mapping.kind, header_signature=signature, mapping=stored
        )
        s.add(row)
        s.flush()
        uow.audit(
            "import.profile_save",
            "import_profile",
            row.id,
            after={"name": name, "source": mapping.kind, "signature": signature, "mapping": stored},
        )
        info = _profile_info(row)
        uow.commit()
    file.profile = info
    return info


def delete_profile(app: AppSession, profile_id: int) -> None:
    require(app.actor, Perm.IMPORT_DATA)
    with app.uow() as uow:
        row = uow.session.get(ImportProfile, profile_id)
        if row is None:
            raise NotFound("imports.profile_not_found", id=profile_id)
        uow.audit(
            "import.profile_delete",
            "import_profile",
            row.id,
            before={"name": row.name, "source": row.source, "mapping": row.mapping},
        )
        uow.session.delete(row)
        uow.commit()


# --- preview ---------------------------------------------------------------------------------


@dataclass
class ImportPreview:
    """A file parsed as one kind: rows, issues, totals and whose data it is, before committing."""

    file: ImportFile
    kind: str
    mapping: ColumnMapping
    table: ParsedTable
    store: StoreGuess | None  # store-level kinds only
    accounts: list[AccountMatch]  # live lists and 抖店 orders
    totals: list[MonthTotals]
    profile: ProfileInfo | None = None
    # the totals are left to commit, which works them out while SQLite commits (one-shot import)
    totals_later: bool = False

    @property
    def source_name(self) -> str:
        return source_kind(self.kind).name_zh

    @property
    def store_level(self) -> bool:
        return source_kind(self.kind).store_level

    @property
    def unmatched_accounts(self) -> list[AccountMatch]:
        return [a for a in self.accounts if a.store is None]


def stored_mapping(mapping: ColumnMapping) -> ColumnMapping:
    """The mapping without the fields Tidui does not store for this kind (they are not read)."""
    wanted = facts.STORED_FIELDS.get(mapping.kind)
    if wanted is None:
        return mapping
    for name in [n for n in mapping.columns if n not in wanted]:
        mapping = mapping.without(name)
    return mapping


def pseudonym_key(app: AppSession) -> bytes:
    """The company's key for buyer pseudonyms: the same buyer gets the same id in every import
    into this company file, and nobody without the file's key can tell who it is."""
    from core.model import FileMeta

    with app.read() as session:
        kept = session.get(FileMeta, "pseudonym_key")  # set when the file was re-keyed
    if kept is not None:
        return bytes.fromhex(kept.value)
    return hmac.new(app.file.key, _PSEUDONYM_CONTEXT, hashlib.sha256).digest()


def preview(
    app: AppSession,
    file: ImportFile,
    kind: str,
    mapping: ColumnMapping | None = None,
    *,
    store: str | None = None,
    progress: Progress = NO_PROGRESS,
    totals_later: bool = False,
) -> ImportPreview:
    """Parse every row of ``file`` as ``kind`` and guess its store and accounts.

    ``store`` is a store name the user gave (the CLI's --store); raises ValidationError when
    required columns are not mapped. With ``totals_later`` the monthly totals are left to
    ``commit`` (``totals`` stays empty until then).
    """
    require(app.actor, Perm.IMPORT_DATA)
    source = source_kind(kind)
    profile: ProfileInfo | None = None
    if mapping is None:
        mapping, profile = mapping_for(file, kind)
    elif file.profile is not None and mapping == apply_profile(
        file.analysis.guess_for(kind).mapping, file.profile
    ):
        profile = file.profile
    mapping.require_complete(file.file_name)
    progress.step(10, 100, Message("imports.progress.parsing", {"file": file.file_name}))
    file.ensure_open()
    table = parse_table(
        file.sheet,
        file.header_row,
        stored_mapping(mapping),
        source,
        file.file_name,
        pseudonym_key=pseudonym_key(app),
        # Everything stored is read into ``table``: free the reader's copy of the sheet at
        # once (a 100,000-row workbook would otherwise be held while it is parsed and stored).
        # Going back in the wizard reopens it.
        close_sheet=True,
    )
    progress.step(35, 100, Message("imports.progress.checking", {"file": file.file_name}))
    guess: StoreGuess | None = None
    accounts: list[AccountMatch] = []
    with app.read() as s:
        if source.store_level:
            names = (
                table.frame["store_name"].dropna().astype(str).unique().tolist()
                if "store_name" in table.frame.columns
                else []
            )
            preamble = file.analysis.preamble
            guess = guess_store(
                s,
                kind,
                requested=store,
                preamble_name=preamble.store_name,
                column_names=names,
                title=preamble.title,
                file_name=file.file_name,
                file_name_stores=file.analysis.file_hints.store_names,
            )
        account_field = ACCOUNT_FIELDS.get(kind)
        if account_field is not None and account_field in table.frame.columns:
            counts = table.valid_frame[account_field].dropna().astype(str).value_counts()
            accounts = match_accounts(s, {str(k): int(v) for k, v in counts.items()}, table.months)
            accounts = _with_figures(accounts, table, account_field)
    totals = [] if totals_later else monthly_totals(table)
    return ImportPreview(file, kind, mapping, table, guess, accounts, totals, profile, totals_later)


def _with_figures(
    accounts: list[AccountMatch], table: ParsedTable, account_field: str
) -> list[AccountMatch]:
    """Each account's orders (distinct order numbers, 抖店) and GMV (to the fen) in the file."""
    frame = table.valid_frame
    if frame.empty:
        return accounts
    names = frame[account_field].astype(str).where(frame[account_field].notna(), None)
    amount_field = "amount" if table.kind == "douyin-orders" else "gmv"
    found: list[AccountMatch] = []
    for account in accounts:
        rows = frame[names == account.name]
        orders = (
            int(rows["order_id"].nunique())
            if table.kind == "douyin-orders" and "order_id" in rows.columns
            else None
        )
        gmv: float | None = None
        if amount_field in rows.columns:
            amounts = pd.to_numeric(rows[amount_field], errors="coerce").dropna()
            gmv = mx.money_sum(amounts.tolist()) if len(amounts) else None
        found.append(replace(account, orders=orders, gmv=gmv))
    return found


# --- decisions and what is already there ----------------------------------------------------------


@dataclass(frozen=True)
class StoreChoice:
    """The store the user confirmed: an existing one, or a new one to create with the import."""

    store_id: int | None = None
    new_name: str | None = None
    new_platform: str | None = None


@dataclass(frozen=True)
class AccountChoice:
    """For an account the file names: an existing live account, or a new one for an employee.

    Neither set means: leave the account's data out (live sessions) / unlinked (orders).
    """

    store_id: int | None = None
    employee_id: int | None = None

    @property
    def skip(self) -> bool:
        return self.store_id is None and self.employee_id is None


@dataclass(frozen=True)
class Decisions:
    store: StoreChoice | None = None  # None: the preview's guess
    accounts: Mapping[str, AccountChoice] = field(default_factory=dict)
    on_duplicate: OnDuplicate = "skip"
    dry_run: bool = False
    remember_names: bool = True  # add the file's store / account name as an alias of the one picked


@dataclass(frozen=True)
class DuplicateReport:
    """What of a file is already in the company file."""

    same_file: BatchRef | None = None
    facts: int = 0  # counted facts already imported (rows)
    batches: tuple[BatchRef, ...] = ()
    months: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()  # Excel rows of the first few
    # Tidui templates: what the archive would refuse or note (unknown 工号, records already
    # there), found by applying the rows in a transaction that is rolled back.
    problems: tuple[RowProblem, ...] = ()

    @property
    def any(self) -> bool:
        return self.same_file is not None or self.facts > 0


def _batch_ref(batch: ImportBatch) -> BatchRef:
    return BatchRef(batch.id, batch.file_name, batch.created_at, batch.user_login)


def _same_file(session: Session, sha256: str) -> BatchRef | None:
    batch = session.scalars(
        select(ImportBatch)
        .where(ImportBatch.sha256 == sha256, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
    ).first()
    return _batch_ref(batch) if batch is not None else None


def _chosen_store_id(prev: ImportPreview, decisions: Decisions) -> int | None:
    if decisions.store is not None:
        return decisions.store.store_id
    return prev.store.store.id if prev.store is not None and prev.store.store is not None else None


def _account_ids(prev: ImportPreview, decisions: Decisions) -> dict[str, int | None]:
    """Account name -> live-account id as far as known without creating anything."""
    found: dict[str, int | None] = {}
    for account in prev.accounts:
        choice = decisions.accounts.get(account.name)
        if choice is not None and choice.store_id is not None:
            found[account.name] = choice.store_id
        elif account.store is not None:
            found[account.name] = account.store.id
        else:
            found[account.name] = None
    return found


def check(
    app: AppSession, prev: ImportPreview, decisions: Decisions | None = None
) -> DuplicateReport:
    """The same file imported before, and facts of this file already stored (for skip/replace)."""
    require(app.actor, Perm.IMPORT_DATA)
    decisions = decisions or Decisions()
    if prev.kind in TEMPLATE_KINDS:
        with app.read() as s:
            same = _same_file(s, prev.file.sha256)
        return DuplicateReport(same, problems=tuple(_template_problems(app, prev)))
    with app.read() as s:
        same = _same_file(s, prev.file.sha256)
        store_id = _chosen_store_id(prev, decisions)
        if prev.store_level and store_id is None:
            return DuplicateReport(same)
        total = 0
        rows: list[int] = []
        months: set[str] = set()
        batch_counts: dict[int, int] = {}
        stored = facts.StoredKeys(s)
        for fact_set in facts.fact_sets(prev.table, store_id, _account_ids(prev, decisions)):
            overlap = facts.find_overlap(s, fact_set, stored)
            counted = overlap.mask & fact_set.counted
            total += int(counted.sum())
            rows += [int(r) for r in fact_set.rows[counted][:20]]
            months.update(
                m for m, hit in zip(fact_set.columns["month"], counted, strict=True) if hit
            )
            for batch_id, n in overlap.batches.items():
                batch_counts[batch_id] = batch_counts.get(batch_id, 0) + n
        refs = tuple(
            _batch_ref(b)
            for b in s.scalars(select(ImportBatch).where(ImportBatch.id.in_(batch_counts)))
        )
    return DuplicateReport(same, total, refs, tuple(sorted(months)), tuple(sorted(rows)[:20]))


def _template_problems(app: AppSession, prev: ImportPreview) -> list[RowProblem]:
    """The archive's verdict on each row, from applying them and rolling back."""
    if prev.table.valid_frame.empty:
        return []
    with app.uow() as uow:
        batch = ImportBatch(
            file_name=prev.file.file_name[:255],
            sha256=prev.file.sha256,
            source=prev.kind,
            user_login=app.actor.login,
        )
        uow.session.add(batch)
        uow.session.flush()
        issues = archive_import.APPLIERS[prev.kind](uow, prev.table.records(), batch.id)
        uow.rollback()
    return list(issues)


# --- commit ----------------------------------------------------------------------------------


def _problems(issues: Sequence[CellIssue]) -> list[RowProblem]:
    return [RowProblem(i.row, i.column, i.message, i.severity) for i in issues]


def _resolve_store(
    uow: UnitOfWork, prev: ImportPreview, decisions: Decisions, undo: dict[str, Any]
) -> Store:
    s = uow.session
    choice = decisions.store
    if choice is not None and choice.new_name:
        store = stores.add_store_in(uow, choice.new_name, choice.new_platform or "")
        undo.setdefault("created_stores", []).append(store.id)
        return store
    store_id = _chosen_store_id(prev, decisions)
    if store_id is None:
        raise _store_error(prev)
    found = s.get(Store, store_id)
    if found is None:
        raise NotFound("archive.store.not_found", id=store_id)
    store = found
    named = prev.store.named if prev.store is not None else None
    if (
        decisions.remember_names
        and choice is not None
        and named
        and fold(named) not in {fold(n) for n in (store.name, *(store.aliases or []))}
    ):
        _add_alias(uow, store, named, undo)
    return store


def _add_alias(uow: UnitOfWork, store: Store, name: str, undo: dict[str, Any]) -> None:
    before = list(store.aliases or [])
    store.aliases = [*before, name]
    undo.setdefault("added_aliases", []).append([store.id, name])
    uow.audit(
        "store.update",
        "store",
        store.id,
        before={"aliases": before},
        after={"aliases": store.aliases},
    )


def _resolve_accounts(
    uow: UnitOfWork, prev: ImportPreview, decisions: Decisions, batch_id: int, undo: dict[str, Any]
) -> dict[str, int | None]:
    found = _account_ids(prev, decisions)
    first_month = prev.table.months[0] if prev.table.months else None
    for account in prev.accounts:
        choice = decisions.accounts.get(account.name)
        if choice is None or (account.store is not None and choice.store_id is None):
            continue
        if choice.store_id is not None:
            store = uow.session.get(Store, choice.store_id)
            if store is None:
                raise NotFound("archive.store.not_found", id=choice.store_id)
            if decisions.remember_names and fold(account.name) not in {
                fold(n) for n in (store.name, *(store.aliases or []))
            }:
                _add_alias(uow, store, account.name, undo)
        elif choice.employee_id is not None:
            store = stores.find_store(uow.session, account.name, stores.LIVE_PLATFORM)
            if store is None:
                store = stores.add_store_in(uow, account.name, stores.LIVE_PLATFORM)
                undo.setdefault("created_stores", []).append(store.id)
            if first_month is not None:
                # ValidationError: they already run this account in those months
                with contextlib.suppress(ValidationError):
                    stores.add_ownership_in(
                        uow, store.id, choice.employee_id, first_month, None, batch_id
                    )
            found[account.name] = store.id
    return found


def commit(
    app: AppSession,
    prev: ImportPreview,
    decisions: Decisions | None = None,
    progress: Progress = NO_PROGRESS,
    *,
    intact: Future[None] | None = None,
) -> ImportResult:
    """Store the preview as one batch, in one transaction (see the module docstring).

    ``intact`` is the company file's damage check when the caller started it earlier (the
    one-shot import runs it while parsing); nothing is written before it has passed.
    """
    require(app.actor, Perm.IMPORT_DATA)
    decisions = decisions or Decisions()
    if decisions.on_duplicate not in ON_DUPLICATE:
        raise ValidationError("imports.bad_on_duplicate", value=decisions.on_duplicate)
    table = prev.table
    file = prev.file
    result = ImportResult(
        batch_id=None,
        kind=prev.kind,
        file_name=file.file_name,
        rows=table.data_rows,
        errors=_problems(table.errors),
        warnings=_problems(table.warnings),
        notes=list(table.notes),
        dry_run=decisions.dry_run,
        totals=list(prev.totals),
        skipped_rows=list(table.skipped),
    )
    if table.data_rows == 0:
        raise ValidationError("imports.no_data_rows", file=file.file_name, sheet=table.sheet)
    progress.step(40, 100, Message("imports.progress.storing", {"file": file.file_name}))
    if not decisions.dry_run:  # never write into a damaged file
        if intact is not None:
            intact.result()
        else:
            app.file.check_intact()
    with app.uow() as uow:
        s = uow.session
        same = _same_file(s, file.sha256)
        if same is not None and decisions.on_duplicate == "fail":
            raise ValidationError(
                "imports.already_imported_fail",
                file=file.file_name,
                batch=same.id,
                time=_local_time(same.created_at),
            )
        if same is not None and decisions.on_duplicate == "skip":
            result.duplicate_of = same
            result.skipped = table.data_rows
            result.notes.append(
                Message(
                    "imports.already_imported",
                    {
                        "file": file.file_name,
                        "batch": same.id,
                        "time": _local_time(same.created_at),
                    },
                )
            )
            return _with_totals(prev, result)
        batch = ImportBatch(
            file_name=file.file_name[:255],
            sha256=file.sha256,
            source=prev.kind,
            user_login=app.actor.login,
            profile=prev.profile.name if prev.profile else None,
        )
        s.add(batch)
        s.flush()
        undo: dict[str, Any] = {}
        if prev.kind in TEMPLATE_KINDS:
            _commit_template(uow, prev, batch, result)
        else:
            _commit_facts(uow, prev, decisions, batch, undo, result, progress)
        stored_anything = result.imported > 0 or bool(undo.get("stored"))
        undo.pop("stored", None)
        result.skipped = max(table.data_rows - result.imported, 0)
        if not stored_anything:
            # Nothing new: leave the file as it was (no empty batch in the history).
            if result.duplicates and decisions.on_duplicate == "skip":
                result.notes.append(
                    Message(
                        "imports.all_duplicates",
                        {"file": file.file_name, "rows": result.duplicates},
                    )
                )
            return _with_totals(prev, result)
        batch.rows = table.data_rows
        batch.imported = result.imported
        batch.skipped = result.skipped
        batch.months = list(result.months)
        batch.undo_data = {**(batch.undo_data or {}), **undo}
        uow.audit(
            "import.commit",
            "import_batch",
            batch.id,
            after={
                "file": batch.file_name,
                "sha256": batch.sha256,
                "source": batch.source,
                "store": result.store,
                "rows": batch.rows,
                "imported": batch.imported,
                "skipped": batch.skipped,
                "months": batch.months,
                "replaced": result.replaced,
                "profile": batch.profile,
                "on_duplicate": decisions.on_duplicate,
            },
        )
        progress.step(98, 100, Message("imports.progress.saving", {"file": file.file_name}))
        if decisions.dry_run:
            uow.rollback()
            return _with_totals(prev, result)
        s.flush()
        result.batch_id = batch.id
        _commit_alongside_totals(uow, prev, result)
    progress.step(100, 100, None)
    return result


def _with_totals(prev: ImportPreview, result: ImportResult) -> ImportResult:
    """``result`` with the preview's monthly totals, worked out now if they were left to commit."""
    if prev.totals_later:
        prev.totals, prev.totals_later = monthly_totals(prev.table), False
    result.totals = list(prev.totals)
    return result


def _commit_alongside_totals(uow: UnitOfWork, prev: ImportPreview, result: ImportResult) -> None:
    """Commit; totals left to commit are worked out on another thread meanwhile (SQLite lets
    Python run while it encrypts and writes the pages, one long call without hand-overs)."""
    if not prev.totals_later:
        uow.commit()
        return
    table = prev.table
    later = in_background(lambda: monthly_totals(table))
    try:
        uow.commit()
    finally:
        later.exception()  # never leave it running, whatever the commit did
    prev.totals, prev.totals_later = later.result(), False
    result.totals = list(prev.totals)


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _commit_template(
    uow: UnitOfWork, prev: ImportPreview, batch: ImportBatch, result: ImportResult
) -> None:
    records = prev.table.records()
    issues = archive_import.APPLIERS[prev.kind](uow, records, batch.id)
    bad = archive_import.rows_with_errors(issues)
    unchanged = {
        i.row
        for i in issues
        if i.severity == "warning" and i.message.code == "archive.import.already_recorded"
    }
    left_out = bad | unchanged
    result.imported = sum(1 for r in records if _row_number(r) not in left_out)
    for issue in issues:
        (result.errors if issue.severity == "error" else result.warnings).append(issue)
    result.errors.sort(key=lambda p: p.row)
    result.warnings.sort(key=lambda p: p.row)


def _row_number(record: Mapping[str, object]) -> int:
    value = record.get("_row")
    return value if isinstance(value, int) else -1


def _commit_facts(
    uow: UnitOfWork,
    prev: ImportPreview,
    decisions: Decisions,
    batch: ImportBatch,
    undo: dict[str, Any],
    result: ImportResult,
    progress: Progress,
) -> None:
    s = uow.session
    store_id: int | None = None
    if prev.store_level:
        store = _resolve_store(uow, prev, decisions, undo)
        store_id = store.id
        batch.store_id = store.id
        result.store = store.name
    accounts = _resolve_accounts(uow, prev, decisions, batch.id, undo) if prev.accounts else {}
    sets = facts.fact_sets(prev.table, store_id, accounts)
    if prev.kind == "douyin-live":
        left_out = sum(a.rows for a in prev.accounts if accounts.get(a.name) is None)
        if left_out:
            names = ex.joined(
                (a.name for a in prev.accounts if accounts.get(a.name) is None), ex.NAMES
            )
            result.notes.append(
                Message("imports.accounts_left_out", {"accounts": names, "rows": left_out})
            )
    elif prev.kind == "douyin-orders":
        unlinked = [a for a in prev.accounts if accounts.get(a.name) is None]
        result.unmatched_creators = unlinked
        if unlinked:
            result.notes.append(
                ex.Phrase("imports.accounts_unlinked", {"accounts": creators_term(unlinked)})
            )
    # Look for what is already stored before writing anything: the rows written below would
    # otherwise be read back as "already imported" by the next set's check.
    ready: list[facts.FactSet] = []
    stored = facts.StoredKeys(s)
    for fact_set in sets:
        overlap = facts.find_overlap(s, fact_set, stored)
        if overlap.count:
            if decisions.on_duplicate == "fail":
                raise ValidationError(
                    "imports.duplicates_fail",
                    file=prev.file.file_name,
                    count=overlap.count,
                    batches=", ".join(f"#{b}" for b in sorted(overlap.batches)),
                )
            if decisions.on_duplicate == "skip":
                result.duplicates += int((overlap.mask & fact_set.counted).sum())
                fact_set = fact_set.take(~overlap.mask)
            else:
                facts.supersede(s, fact_set.model, overlap.existing_ids, batch.id)
                stored.forget(fact_set.model, overlap.existing_ids)
                if overlap.covered_model is not None and overlap.covered_ids:
                    # the other form of the same store-months (a monthly overview under
                    # this daily export, or daily rows under this monthly one)
                    facts.supersede(s, overlap.covered_model, overlap.covered_ids, batch.id)
                    stored.forget(overlap.covered_model, overlap.covered_ids)
                # the stored rows replaced (six monthly rows under 182 days are six)
                result.replaced += len(overlap.existing_ids) + len(overlap.covered_ids)
        ready.append(fact_set)
    total = sum(len(f) for f in ready) or 1
    done = 0
    months: set[str] = set()
    connection = s.connection()
    orders = [f for f in ready if f.model is OrderFact]
    before = order_totals.newest_order(s) if orders else 0
    # The new orders' totals are summed from the arrays in hand while the orders are stored.
    fresh: list[order_totals.Fresh | None] = []

    def sum_fresh() -> None:
        fresh.append(
            order_totals.fresh_orders(batch.id, before, [facts.order_arrays(f) for f in orders])
        )

    for fact_set in ready:
        base = done

        def report(inserted: int, base: int = base) -> None:
            progress.step(
                40 + int(55 * (base + inserted) / total),
                100,
                Message("imports.progress.storing_rows", {"done": base + inserted, "total": total}),
            )

        meanwhile = sum_fresh if orders and fact_set is orders[0] else None
        facts.insert_facts(connection, fact_set, batch.id, progress, report, meanwhile)
        done += len(fact_set)
        if len(fact_set):
            undo["stored"] = True
        counted = int(fact_set.counted.sum())
        result.imported += counted
        if counted == len(fact_set):
            months.update(fact_set.months)
        elif counted:
            months.update(fact_set.take(fact_set.counted).months)
    result.months = sorted(months)
    if orders:
        # the new orders' totals from the arrays in hand; only older orders are read
        if fresh[0] is None:
            order_totals.refresh(s, order_totals.cells_of_batch(s, batch.id))
        else:
            cells = fresh[0].cells | order_totals.cells_of_batch(s, batch.id, own=False)
            order_totals.refresh(s, cells, fresh[0])
    if result.duplicates:
        result.notes.append(
            Message(
                "imports.duplicates_skipped",
                {"rows": result.duplicates, "file": prev.file.file_name},
            )
        )
    if result.replaced:
        result.notes.append(Message("imports.duplicates_replaced", {"rows": result.replaced}))


def creators_term(creators: Sequence[AccountMatch]) -> Message:
    """ "达人甲（12单，¥3,456.50）、达人乙（1单，¥89）" in either language."""
    items = [
        Message(
            "imports.creator_figures",
            {
                "name": a.name,
                "orders": a.orders if a.orders is not None else a.rows,
                "gmv": mx.format_value("yuan", a.gmv if a.gmv is not None else 0.0),
            },
        )
        for a in creators
    ]
    return ex.joined(items)


# --- the CLI's one shot ----------------------------------------------------------------------------


def _store_error(prev: ImportPreview) -> ValidationError:
    guess = prev.store
    file_name = prev.file.file_name
    candidates = guess.candidates if guess is not None else ()
    listed = ex.joined((c.name for c in candidates), ex.NAMES)
    if not candidates:
        return ValidationError("imports.no_stores", file=file_name)
    if guess is not None and guess.problem == "ambiguous":
        return ValidationError(
            "imports.store_ambiguous", file=file_name, name=guess.named, stores=listed
        )
    if guess is not None and guess.problem == "several_in_file":
        return ValidationError(
            "imports.store_several",
            file=file_name,
            names=ex.joined(guess.names_in_file, ex.NAMES),
            stores=listed,
        )
    if guess is not None and guess.named:
        return ValidationError(
            "imports.store_unknown", file=file_name, name=guess.named, stores=listed
        )
    return ValidationError("imports.store_none", file=file_name, stores=listed)


def import_file(
    app: AppSession,
    path: Path,
    *,
    source: str | None = None,
    store: str | None = None,
    sheet: str | None = None,
    on_duplicate: OnDuplicate = "skip",
    dry_run: bool = False,
    unmatched_accounts: Literal["fail", "skip"] | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportResult:
    """Import one file without asking anyone (tidui-cli import); see docs/cli.md.

    Accounts a file names that are none of the company's live accounts: a 抖店 order export
    is never refused for them (the orders count for the shop; the creators are listed in
    ``unmatched_creators``), a live-session list is, as its sessions would be left out,
    unless ``unmatched_accounts`` is "skip". "fail" refuses both, as before.
    """
    require(app.actor, Perm.IMPORT_DATA)
    if source is not None and source != "auto":
        source_kind(source)  # an unknown kind is the user's mistake: say so first
    progress.step(0, 100, Message("imports.progress.reading", {"file": Path(path).name}))
    # While the file is parsed, another thread hashes it and checks the company file (both
    # wait on the disk, SQLCipher or hashlib, which let the parsing run); commit waits for them.
    hashed = in_background(lambda: file_sha256(Path(path)))
    intact = None if dry_run else in_background(app.file.check_intact)
    try:
        return _import_opened(
            app,
            open_file(app, Path(path), sheet, sha256=hashed),
            source=source,
            store=store,
            on_duplicate=on_duplicate,
            dry_run=dry_run,
            unmatched_accounts=unmatched_accounts,
            progress=progress,
            intact=intact,
        )
    finally:
        # never leave a check running on the company file (the caller may close it next)
        for started in (hashed, intact):
            if started is not None:
                started.exception()


def _import_opened(
    app: AppSession,
    file: ImportFile,
    *,
    source: str | None,
    store: str | None,
    on_duplicate: OnDuplicate,
    dry_run: bool,
    unmatched_accounts: Literal["fail", "skip"] | None,
    progress: Progress,
    intact: Future[None] | None,
) -> ImportResult:
    wanted = None if source in (None, "auto") else source
    if file.profile is not None and wanted in (None, file.profile.kind):
        kind = file.profile.kind
        mapping = apply_profile(file.analysis.guess_for(kind).mapping, file.profile)
    else:
        mapping = file.analysis.mapping(wanted)  # raises: unknown kind, wrong kind, missing columns
        kind = mapping.kind
    prev = preview(app, file, kind, mapping, store=store, progress=progress, totals_later=True)
    if prev.table.data_rows == 0:
        raise ValidationError("imports.no_data_rows", file=file.file_name, sheet=prev.table.sheet)
    if prev.store_level and (prev.store is None or prev.store.store is None):
        raise _store_error(prev)
    unmatched = prev.unmatched_accounts
    refuse = unmatched_accounts == "fail" or (
        unmatched_accounts is None and prev.kind != "douyin-orders"
    )
    if unmatched and refuse:
        raise ValidationError(
            "imports.accounts_unknown",
            file=file.file_name,
            accounts=ex.joined((a.name for a in unmatched), ex.NAMES),
        )
    result = commit(
        app, prev, Decisions(on_duplicate=on_duplicate, dry_run=dry_run), progress, intact=intact
    )
    if prev.store is not None and prev.store.how == "only_store" and prev.store.store is not None:
        result.notes.insert(
            0,
            Message(
                "imports.store_assumed", {"file": file.file_name, "store": prev.store.store.name}
            ),
        )
    return result


# --- undo --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    file_name: str
    removed: int  # facts (or template rows) taken away
    restored: int  # older facts brought back
    rows: int = 0  # the rows the batch imported, as its history and the undo question count them


def undo_import(app: AppSession, batch_id: int) -> UndoResult:
    """Take back everything batch ``batch_id`` added and bring back what it replaced."""
    require(app.actor, Perm.IMPORT_DATA)
    with app.uow() as uow:
        s = uow.session
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("imports.batch_not_found", batch=batch_id)
        if batch.undone_at is not None:
            raise ValidationError("imports.already_undone", batch=batch_id, file=batch.file_name)
        later = facts.superseding_batches(s, batch_id)
        if later:
            raise ValidationError(
                "imports.undo_later_first",
                batch=batch_id,
                later=", ".join(f"#{b}" for b in sorted(later)),
            )
        undo = dict(batch.undo_data or {})
        if batch.source in TEMPLATE_KINDS:
            removed, restored = batch.imported, 0
            archive_import.undo_archive_batch(uow, batch_id)
        else:
            cells = order_totals.cells_of_batch(s, batch_id)
            removed, restored = facts.undo_facts(s, batch_id)
            order_totals.refresh(s, cells)
            s.execute(delete(StoreOwnership).where(StoreOwnership.batch_id == batch_id))
        for store_id, name in undo.get("added_aliases", []):
            store = s.get(Store, store_id)
            if store is not None and name in (store.aliases or []):
                before = list(store.aliases or [])
                store.aliases = [a for a in before if a != name]
                uow.audit(
                    "store.update",
                    "store",
                    store.id,
                    before={"aliases": before},
                    after={"aliases": store.aliases},
                )
        s.flush()
        for store_id in undo.get("created_stores", []):
            store = s.get(Store, store_id)
            if store is None or stores.store_has_data(s, store_id):
                continue
            if (
                s.scalar(
                    select(StoreOwnership.id).where(StoreOwnership.store_id == store_id).limit(1)
                )
                is not None
            ):
                continue
            uow.audit(
                "store.delete",
                "store",
                store.id,
                before={"name": store.name, "platform": store.platform},
            )
            s.delete(store)
        batch.undone_at = utcnow()
        batch.undone_by = app.actor.login
        uow.audit(
            "import.undo",
            "import_batch",
            batch_id,
            before={"file": batch.file_name, "source": batch.source, "imported": batch.imported},
            after={"removed": removed, "restored": restored},
        )
        uow.commit()
        return UndoResult(batch_id, batch.file_name, removed, restored, batch.imported)


# --- history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    """One line of 导入记录."""

    id: int
    file_name: str
    source: str
    store: str
    user_login: str
    created_at: datetime
    rows: int
    imported: int
    skipped: int
    months: tuple[str, ...]
    profile: str | None
    undone_at: datetime | None
    undone_by: str | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


def list_batches(app: AppSession) -> list[BatchRow]:
    """Every import batch, newest first."""
    require(app.actor, Perm.IMPORT_DATA)
    with app.read() as s:
        names = {o.id: o.name for o in all_stores(s)}
        found = []
        for b in s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())):
            found.append(
                BatchRow(
                    b.id,
                    b.file_name,
                    b.source,
                    names.get(b.store_id, "") if b.store_id is not None else "",
                    b.user_login,
                    b.created_at,
                    b.rows,
                    b.imported,
                    b.skipped,
                    tuple(b.months or ()),
                    b.profile,
                    b.undone_at,
                    b.undone_by,
                )
            )
        return found


def store_options(app: AppSession) -> list[StoreOption]:
    require(app.actor, Perm.IMPORT_DATA)
    with app.read() as s:
        return all_stores(s)
