"""User accounts: add, disable, reset or change a password, change a role — key slot and audit together.

The database row and the key slot change together or not at all: the new key file is staged
beside the old one and its generation recorded in the same transaction as the row
(``OpenFile.stage_keys``); after the commit the staged file replaces the key file. A crash
before the commit leaves a staged file the data does not expect, dropped at the next open; a
crash after it, one the data expects, finished at the next open.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.passwords import login_problems, problems
from core.errors import NotFound, ValidationError, WrongPassword
from core.i18n import Message
from core.model import Employee, FileMeta, User
from core.permissions import Perm, Role, require
from core.session import AppSession, UnitOfWork
from core.storage.keyslots import KeyFile, format_recovery_key, new_file_key
from core.storage.signing import Signer, new_seed, public_text


@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    display_name: str
    role: str
    disabled: bool
    employee_no: str | None


def commit_with_slots(app: AppSession, uow: UnitOfWork, change: Callable[[KeyFile], None]) -> None:
    """Commit ``uow`` together with ``change`` to the key slots: both or neither."""
    staged = copy.deepcopy(app.file.keyfile)
    change(staged)
    app.file.stage_keys(uow.session, staged)
    try:
        uow.commit()
    except BaseException:
        app.file.drop_staged_keys()
        raise
    app.file.promote_keys(staged)


def _raise_first(found: list[Message]) -> None:
    if found:
        raise ValidationError(found[0].code, **found[0].params)


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError("user.bad_role", role=role)


def list_users(app: AppSession) -> list[UserRow]:
    require(app.actor, Perm.MANAGE_USERS)
    with app.read() as s:
        rows = s.execute(
            select(User, Employee.no)
            .outerjoin(Employee, Employee.id == User.employee_id)
            .order_by(User.id)
        ).all()
        return [UserRow(u.id, u.login, u.display_name, u.role, u.disabled, no) for u, no in rows]


def add_user(
    app: AppSession,
    login: str,
    display_name: str,
    role: str,
    password: str,
    employee_no: str | None = None,
) -> UserRow:
    require(app.actor, Perm.MANAGE_USERS)
    login = login.strip()
    _raise_first(login_problems(login))
    _raise_first(problems(password))
    _check_role(role)
    with app.uow() as uow:
        s = uow.session
        if s.scalar(select(User.id).where(func.lower(User.login) == login.lower())) is not None:
            raise ValidationError("user.exists", login=login)
        if app.file.keyfile.find(login) is not None:
            raise ValidationError("user.exists", login=login)
        employee_id = None
        if employee_no:
            employee_id = s.scalar(select(Employee.id).where(Employee.no == employee_no.strip()))
            if employee_id is None:
                raise ValidationError("user.unknown_employee", no=employee_no)
        user = User(
            login=login,
            display_name=display_name.strip() or login,
            role=role,
            employee_id=employee_id,
        )
        s.add(user)
        s.flush()
        seed = new_seed()
        uow.audit(
            "user.add",
            "user",
            user.id,
            after={
                "login": login,
                "display_name": user.display_name,
                "role": role,
                "employee": employee_no,
                # the new account's public signing key, vouched for by the owner's signature
                "signing_key": public_text(seed),
            },
        )
        s.flush()
        commit_with_slots(
            app, uow, lambda kf: kf.set_slot(login, role, password, app.file.key, seed)
        )
        return UserRow(user.id, login, user.display_name, role, False, employee_no)


def _get(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    if user is None:
        raise NotFound("user.not_found", login=login)
    return user


def reset_password(app: AppSession, login: str, new_password: str) -> None:
    """Owner sets a new password for someone (the old one stops working at once)."""
    require(app.actor, Perm.MANAGE_USERS)
    _raise_first(problems(new_password))
    with app.uow() as uow:
        user = _get(uow.session, login)
        after: dict[str, object] = {"login": user.login}
        own = user.id == app.actor.user_id
        if own and app.signer is not None:
            seed = app.signer.seed  # one's own key is kept, re-wrapped under the new password
        else:
            # the old key is wrapped under the old password, which the owner does not know
            seed = new_seed()
            after["signing_key"] = public_text(seed)
        uow.audit("user.reset_password", "user", user.id, after=after)
        uow.session.flush()
        login_, role_ = user.login, user.role
        commit_with_slots(
            app, uow, lambda kf: kf.set_slot(login_, role_, new_password, app.file.key, seed)
        )
        if own:
            app.signer = Signer(seed)


def change_own_password(app: AppSession, old_password: str, new_password: str) -> None:
    """Anyone may change their own password, proving the old one first."""
    _raise_first(problems(new_password))
    try:
        _key, seed = app.file.keyfile.open_slot(app.actor.login, old_password)
    except WrongPassword:  # the one who asks is logged in: "用户名或密码不正确" misled
        raise ValidationError("auth.current_password_wrong", field="old_password") from None
    after: dict[str, object] = {"login": app.actor.login}
    if seed is None:  # cannot happen after a log-in (auth gives every account a key)
        seed = new_seed()
        after["signing_key"] = public_text(seed)
    with app.uow() as uow:
        uow.audit("user.change_password", "user", app.actor.user_id, after=after)
        uow.session.flush()
        actor = app.actor
        commit_with_slots(
            app,
            uow,
            lambda kf: kf.set_slot(actor.login, actor.role, new_password, app.file.key, seed),
        )
    app.signer = Signer(seed)


def set_disabled(
    app: AppSession, login: str, disabled: bool, new_password: str | None = None
) -> str | None:
    """Disabling removes the key slot and re-keys the file (see ``_disable_and_rekey``) and
    returns the new recovery key, to be shown once; enabling again needs a new password."""
    require(app.actor, Perm.MANAGE_USERS)
    if not disabled:
        if not new_password:
            raise ValidationError("user.enable_needs_password")
        _raise_first(problems(new_password))
    with app.uow() as uow:
        user = _get(uow.session, login)
        if user.id == app.actor.user_id and disabled:
            raise ValidationError("user.cannot_disable_self")
        if disabled and user.role == Role.OWNER.value:
            owners = uow.session.scalar(
                select(func.count(User.id)).where(
                    User.role == Role.OWNER.value, User.disabled.is_(False)
                )
            )
            if (owners or 0) <= 1:
                raise ValidationError("user.last_owner")
        before = {"disabled": user.disabled}
        user.disabled = disabled
        after: dict[str, object] = {"disabled": disabled, "login": user.login, "rekeyed": disabled}
        seed = new_seed()
        if not disabled:  # a new slot, so a new signing key, vouched for by the owner
            after["signing_key"] = public_text(seed)
        uow.audit(
            "user.disable" if disabled else "user.enable",
            "user",
            user.id,
            before=before,
            after=after,
        )
        uow.session.flush()
        login_, role_ = user.login, user.role
        if disabled:
            return _disable_and_rekey(app, uow, login_)
        assert new_password is not None
        commit_with_slots(
            app, uow, lambda kf: kf.set_slot(login_, role_, new_password, app.file.key, seed)
        )
        return None


def _disable_and_rekey(app: AppSession, uow: UnitOfWork, login: str) -> str:
    """Commit the disabled account together with a new file key: ``login``'s slot removed,
    every remaining slot and the recovery check re-wrapped for the new key (sealed to each
    account, so no password is needed), then the data re-encrypted (``PRAGMA rekey``). An old
    copy of the key file, or the old recovery key, then opens nothing written from now on.

    Order: the new key file is staged (with the new key wrapped under the old one), the
    change commits with its generation, the data is re-keyed, the key file promoted; an open
    after a crash anywhere in between finishes or drops the change (``company_file``).
    """
    keep_pseudonyms(app, uow.session)
    old_key = app.file.key
    new_key = new_file_key()
    remaining = copy.deepcopy(app.file.keyfile)
    remaining.remove_slot(login)
    try:
        staged = remaining.rekeyed(old_key, new_key)
    except ValueError as error:
        raise ValidationError("user.rekey_old_slot", login=str(error)) from None
    app.file.stage_keys(uow.session, staged)
    try:
        uow.commit()
    except BaseException:
        app.file.drop_staged_keys()
        raise
    app.file.rekey(new_key)
    app.file.promote_keys(staged)
    return format_recovery_key(new_key)


PSEUDONYM_META = "pseudonym_key"


def keep_pseudonyms(app: AppSession, session: Session) -> None:
    """Buyers' pseudonyms come from the file key; before it changes, keep the key they come
    from inside the (encrypted) data, so a buyer keeps the same pseudonym after a re-key."""
    from core.services.imports.engine import pseudonym_key

    if session.get(FileMeta, PSEUDONYM_META) is None:
        session.add(FileMeta(key=PSEUDONYM_META, value=pseudonym_key(app).hex()))
        session.flush()


def set_role(app: AppSession, login: str, role: str) -> None:
    require(app.actor, Perm.MANAGE_USERS)
    _check_role(role)
    with app.uow() as uow:
        user = _get(uow.session, login)
        if user.id == app.actor.user_id and role != Role.OWNER.value:
            raise ValidationError("user.cannot_demote_self")
        before = {"role": user.role}
        user.role = role
        uow.audit(
            "user.role", "user", user.id, before=before, after={"role": role, "login": user.login}
        )
        uow.session.flush()
        if app.file.keyfile.find(user.login) is not None:
            login_ = user.login
            commit_with_slots(app, uow, lambda kf: kf.relabel(login_, role))
        else:
            uow.commit()
