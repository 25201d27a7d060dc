"""Accounts and sessions: sign up, log in, check a session, log out.

Passwords are hashed with argon2id (argon2-cffi) in a worker thread: a hash costs ~90 ms of
CPU, which must not stall the event loop. Session tokens are random (256 bits); the table
holds only their SHA-256, with a TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from instaclone.data import (
    AlreadyExistsError,
    ItemNotFoundError,
    TransactionCancelledError,
    new_ulid,
)
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import (
    DomainError,
    InvalidInputError,
    UsernameTakenError,
)
from instaclone.domain.models import Session, User
from instaclone.domain.usernames import new_username
from instaclone.domain.users import _name

SESSION_LIFETIME = 30 * 24 * 3600
"""A session ends this long after it was last used (sliding expiry)."""
SESSION_REFRESH = 3600
"""A used session's expiry and last-seen time are written at most this often."""
MAX_SESSIONS = 20
"""Signing in past this many live sessions ends the oldest ones."""
MAX_CLIENT = 200
MIN_PASSWORD, MAX_PASSWORD = 8, 256


class InvalidCredentialsError(DomainError):
    """Unknown username or wrong password (deliberately not saying which)."""


def check_password(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    return password


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountOps(ServiceBase):
    hasher: PasswordHasher
    _dummy_hash: str | None = None

    async def sign_up(self, username: str, name: str, password: str) -> User:
        """A user and its account, written together (both or neither)."""
        username = new_username(username)
        check_password(password)
        user = self.users.create(username=username, name=_name(name))
        digest = await asyncio.to_thread(self.hasher.hash, password)
        account = self.accounts.create(username=username, password_hash=digest)
        try:
            await (
                self.table.transaction()
                .add(user, label="user")
                .add(account, label="account")
                .execute()
            )
        except TransactionCancelledError as cancelled:
            if cancelled.reasons and all(
                r.code == "ConditionalCheckFailed" for r in cancelled.reasons
            ):
                raise UsernameTakenError(username) from None
            raise
        except AlreadyExistsError:
            raise UsernameTakenError(username) from None
        return user.result()

    async def _verify(self, digest: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self.hasher.verify, digest, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _check_password(self, username: str, password: str) -> tuple[str, str]:
        """The normalized username and the hash that matched when the password is right;
        InvalidCredentialsError otherwise, in the same time whether or not the account
        exists."""
        try:
            username = self.username(username)
        except InvalidInputError:
            raise InvalidCredentialsError("wrong username or password") from None
        account = await self.accounts.get(username=username).execute()
        if account is None:
            # Spend the same time as a real check, so timing does not reveal who exists.
            if self._dummy_hash is None:
                self._dummy_hash = await asyncio.to_thread(self.hasher.hash, "not a password")
            await self._verify(self._dummy_hash, str(password))
            raise InvalidCredentialsError("wrong username or password")
        if not isinstance(password, str) or not await self._verify(account.password_hash, password):
            raise InvalidCredentialsError("wrong username or password")
        return username, account.password_hash

    async def log_in(
        self,
        username: str,
        password: str,
        lifetime: int = SESSION_LIFETIME,
        client: str | None = None,
    ) -> tuple[str, User]:
        """A new session token and the user; InvalidCredentialsError otherwise. Past
        MAX_SESSIONS live sessions, the oldest are ended."""
        username, verified = await self._check_password(username, password)
        user = await self.users.get(username=username).execute()
        if user is None:
            raise InvalidCredentialsError("wrong username or password")
        token = secrets.token_urlsafe(32)
        now = int(time.time())
        await self.sessions.create(
            token_hash=token_hash(token),
            username=username,
            expires_at=now + lifetime,
            session_id=new_ulid(),
            client=(client or "")[:MAX_CLIENT] or None,
            last_seen_at=now,
        ).execute()
        # A password change that ran while this log-in was checking the old password has
        # already ended the sessions it saw; this one it may not have seen. The change
        # writes the new hash before it lists sessions, and this session was written before
        # this read: so either it was ended, or this read sees the new hash and ends it.
        account = await self.accounts.get(username=username).consistent().execute()
        if account is None or account.password_hash != verified:
            await self.sessions.delete(token_hash=token_hash(token)).execute()
            raise InvalidCredentialsError("wrong username or password")
        sessions = await self.list_sessions(username)
        if len(sessions) > MAX_SESSIONS:
            batch = self.table.batch_write()
            for old in sessions[: len(sessions) - MAX_SESSIONS]:
                batch.delete(Session, token_hash=old.token_hash)
            await batch.execute()
        return token, user

    async def session_user(self, token: str) -> str | None:
        """The username a session token belongs to, if it is valid and unexpired. A session
        in use has its expiry slid forward (written at most once per SESSION_REFRESH)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        digest = token_hash(token)
        session = await self.sessions.get(token_hash=digest).execute()
        now = int(time.time())
        if session is None or session.expires_at <= now:
            return None  # TTL deletes expired sessions eventually; they never count
        if session.last_seen_at is None or now - session.last_seen_at >= SESSION_REFRESH:
            refresh = (
                self.sessions.update(token_hash=digest)
                .set("expires_at", now + SESSION_LIFETIME)
                .set("last_seen_at", now)
            )
            if session.session_id is None:  # from before sessions were listed: list it now
                refresh.set("session_id", new_ulid()).set("username", session.username)
            with contextlib.suppress(ItemNotFoundError):  # logged out meanwhile
                await refresh.execute()
        return session.username

    async def log_out(self, token: str) -> None:
        await self.sessions.delete(token_hash=token_hash(token)).execute()

    async def list_sessions(self, username: str) -> list[Session]:
        """A user's live sessions, oldest first."""
        query = self.sessions.query_index("gsi1", username=self.username(username))
        now = time.time()
        return [s for s in await query.all() if s.expires_at > now]

    async def end_sessions(
        self, username: str, *, keep_token: str | None = None, session_id: str | None = None
    ) -> int:
        """End the user's sessions: all of them, all but ``keep_token``'s, or only the one
        named ``session_id``. Returns how many ended."""
        keep = token_hash(keep_token) if keep_token else None
        batch = self.table.batch_write()
        for session in await self.list_sessions(username):
            if session.token_hash == keep:
                continue
            if session_id is not None and session.session_id != session_id:
                continue
            batch.delete(Session, token_hash=session.token_hash)
        if len(batch):
            await batch.execute()
        return len(batch)

    async def change_password(
        self, username: str, current: str, new: str, *, keep_token: str | None = None
    ) -> int:
        """Set a new password (the current one must be right) and end every other session
        of the user; returns how many ended."""
        username, _ = await self._check_password(username, current)
        check_password(new)
        digest = await asyncio.to_thread(self.hasher.hash, new)
        await self.accounts.update(username=username).set("password_hash", digest).execute()
        return await self.end_sessions(username, keep_token=keep_token)
