"""Creating a company file, logging in, and recovering access with the recovery key."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.passwords import login_problems, problems
from core.errors import TooManyAttempts, UnknownUser, UserDisabled, ValidationError, WrongPassword
from core.i18n import Message
from core.model import Company, FileMeta, User
from core.permissions import Role
from core.progress import NO_PROGRESS, Progress
from core.session import Actor, AppSession, append_audit
from core.storage import company_file
from core.storage.company_file import OpenFile
from core.storage.migrations import ORDER_TOTALS_PENDING, Migration
from core.storage.signing import Signer, new_seed

TEMPLATES = ("none", "home", "beauty")


def _first_problem(found: list[Message]) -> None:
    if found:
        msg = found[0]
        raise ValidationError(msg.code, **msg.params)


def template_populator(template: str) -> Callable[[Session], None] | None:
    """The ladder template's seeding function (built-in templates A/B, docs/design.md)."""
    if template in ("", "none"):
        return None
    if template not in TEMPLATES:
        raise ValidationError("company.unknown_template", template=template)
    from core.services.ladder import templates as ladder_templates

    def populate(session: Session) -> None:
        ladder_templates.apply_template(session, template)

    return populate


def create_company(
    path: Path,
    company_name: str,
    owner_login: str,
    owner_password: str,
    owner_display_name: str | None = None,
    template: str = "none",
    language: str = "zh",
    currency: str = "CNY",
) -> tuple[AppSession, str]:
    """Create the file and log the owner in; returns the session and the recovery key (show once)."""
    company_name = company_name.strip()
    owner_login = owner_login.strip()
    if not company_name:
        raise ValidationError("company.name_required")
    _first_problem(login_problems(owner_login))
    _first_problem(problems(owner_password))
    seed = template_populator(template)
    signer = Signer(new_seed())
    path = Path(path)
    if path.suffix != company_file.FILE_SUFFIX:
        path = path.with_name(path.name + company_file.FILE_SUFFIX)

    def populate(session: Session) -> None:
        session.add(Company(name=company_name, currency=currency, language=language))
        owner = User(
            login=owner_login,
            display_name=owner_display_name or owner_login,
            role=Role.OWNER.value,
        )
        session.add(owner)
        session.flush()
        append_audit(
            session,
            owner_login,
            "company.create",
            "company",
            1,
            after={
                "name": company_name,
                "owner": owner_login,
                "template": template,
                # the owner's public signing key: the root every later signature is checked from
                "signing_key": signer.public,
            },
            signer=signer,
        )
        if seed is not None:
            seed(session)
            append_audit(
                session,
                owner_login,
                "ladder.template",
                "ladder",
                None,
                after={"template": template},
                signer=signer,
            )

    opened = company_file.create(
        path, populate, owner_login, Role.OWNER.value, owner_password, signer.seed
    )
    try:
        app = _session_for(opened, owner_login, signer.seed)
    except BaseException:
        opened.close()
        raise
    return app, opened.recovery_key()


def _session_for(opened: OpenFile, login: str, signing: bytes | None) -> AppSession:
    with opened.sessions() as session:
        user = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
        if user is None:
            raise UnknownUser(login=login)
        if user.disabled:
            raise UserDisabled(login=user.login)
        actor = Actor(
            user_id=user.id,
            login=user.login,
            display_name=user.display_name,
            role=user.role,
            employee_id=user.employee_id,
        )
    opened.lock.set_login(actor.login)
    _sum_order_totals_if_pending(opened)
    app = AppSession(file=opened, actor=actor, signer=None if signing is None else Signer(signing))
    app.settle()
    return app


def _ensure_signing_key(app: AppSession, password: str) -> None:
    """An account whose slot predates signing gets a signing key at this log-in: wrapped in its
    slot (staged with the change, like every slot change) and published, self-signed, by a
    ``user.signing_key`` entry; verify accepts that once per account created before signing."""
    if app.signer is not None:
        return
    from core.services.admin.users import commit_with_slots

    signer = Signer(new_seed())
    login = app.actor.login
    app.signer = signer
    try:
        with app.uow() as uow:
            uow.audit(
                "user.signing_key",
                "user",
                app.actor.user_id,
                after={"login": login, "signing_key": signer.public},
            )
            uow.session.flush()
            commit_with_slots(app, uow, lambda kf: kf.add_signing(login, password, signer.seed))
    except BaseException:
        app.signer = None
        raise


def _sum_order_totals_if_pending(opened: OpenFile) -> None:
    """A file migrated to the orders' store-month totals gets them summed once (see
    migrations.ORDER_TOTALS_PENDING); a few seconds for three years of orders."""
    from core.services.eligibility import order_totals

    with opened.sessions() as session, session.begin():
        pending = session.get(FileMeta, ORDER_TOTALS_PENDING)
        if pending is not None:
            order_totals.rebuild(session)
            session.delete(pending)


# Wrong passwords in a row, per company file, in this process: after FREE_ATTEMPTS each
# further attempt waits twice as long as the one before (1 s, 2 s, 4 s ... up to MAX_WAIT_S).
# Offline guessing against a copied key file is slowed by scrypt instead (keyslots).
FREE_ATTEMPTS = 3
MAX_WAIT_S = 60.0
_failures: dict[str, tuple[int, float]] = {}


def wait_before_attempt(path: Path) -> float:
    """Seconds until the next password may be tried on ``path`` (0 when it may now)."""
    _count, not_before = _failures.get(str(Path(path).resolve()), (0, 0.0))
    return max(0.0, not_before - time.monotonic())


def _guarded(path: Path, attempt: Callable[[], AppSession]) -> AppSession:
    key = str(Path(path).resolve())
    waiting = wait_before_attempt(path)
    if waiting > 0:
        raise TooManyAttempts(seconds=math.ceil(waiting))
    try:
        app = attempt()
    except (WrongPassword, UnknownUser):
        count = _failures.get(key, (0, 0.0))[0] + 1
        delay = 0.0 if count < FREE_ATTEMPTS else min(2.0 ** (count - FREE_ATTEMPTS), MAX_WAIT_S)
        _failures[key] = (count, time.monotonic() + delay)
        raise
    _failures.pop(key, None)
    return app


def log_in(
    path: Path,
    login: str,
    password: str,
    migrations: list[Migration] | None = None,
    progress: Progress = NO_PROGRESS,
) -> AppSession:
    """``progress`` hears of an upgrade of a file from an older Tidui (backup, then migrations)."""

    def attempt() -> AppSession:
        opened = company_file.open_with_password(
            Path(path), login.strip(), password, migrations, progress
        )
        try:
            return _session_for(opened, login, opened.signing_seed)
        except BaseException:
            opened.close()
            raise

    app = _guarded(Path(path), attempt)
    try:
        _ensure_signing_key(app, password)
    except BaseException:
        app.close(backup=False)
        raise
    _apply_due_cases(app)
    from core.services.admin import audit, signatures

    app.warnings = audit.anchor_messages(app.file) + signatures.login_warnings(app)
    return app


def _apply_due_cases(app: AppSession) -> None:
    """Published promotions whose effective date has come take effect the first time the file
    is opened on or after it (core/services/promotion/cases.py)."""
    from core.services.promotion.cases import apply_due

    apply_due(app)


def unlock_again(app: AppSession, login: str, password: str) -> AppSession:
    """After 锁定 (lock screen): check the password against the slots without reopening the file."""

    def attempt() -> AppSession:
        key, seed = app.file.keyfile.open_slot(login.strip(), password)
        if key != app.file.key:
            raise WrongPassword(login=login)
        return _session_for(app.file, login, seed)

    again = _guarded(app.file.path, attempt)
    _ensure_signing_key(again, password)
    return again


def company_name(app: AppSession) -> str:
    with app.read() as session:
        return session.scalar(select(Company.name)) or ""


def recover(path: Path, recovery_key: str, owner_login: str, new_password: str) -> AppSession:
    """Open with the recovery key and give ``owner_login`` (an owner) a new password."""
    _first_problem(problems(new_password))
    opened = company_file.open_with_recovery_key(Path(path), recovery_key)
    signer = Signer(new_seed())
    try:
        staged = copy.deepcopy(opened.keyfile)
        try:
            with opened.sessions() as session, session.begin():
                user = session.scalar(
                    select(User).where(func.lower(User.login) == owner_login.strip().lower())
                )
                if user is None or user.role != Role.OWNER.value:
                    raise ValidationError("recovery.not_owner", login=owner_login)
                user.disabled = False
                # The old signing key is wrapped under the forgotten password: a new one, published
                # by this entry (verify names every such replacement: SECURITY.md)
                staged.set_slot(user.login, user.role, new_password, opened.key, signer.seed)
                append_audit(
                    session,
                    user.login,
                    "user.recover",
                    "user",
                    user.id,
                    after={
                        "login": user.login,
                        "via": "recovery_key",
                        "signing_key": signer.public,
                    },
                    signer=signer,
                )
                session.flush()
                opened.stage_keys(session, staged)
                anchored = opened.stage_anchor(session)
        except BaseException:
            opened.drop_staged_keys()  # not committed: the staged key file must not count
            opened.abandon_anchor()
            raise
        if anchored is not None:
            opened.finish_anchor(anchored)
        opened.promote_keys(staged)
        return _session_for(opened, owner_login, signer.seed)
    except BaseException:
        opened.close()
        raise
