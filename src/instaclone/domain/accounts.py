"""Accounts and sessions: sign up, log in, check a session, log out.

Passwords are hashed with argon2id (argon2-cffi) in a worker thread: a hash costs ~90 ms of
CPU, which must not stall the event loop. Session tokens are random (256 bits); the table
holds only their SHA-256, with a TTL.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from instaclone.data import AlreadyExistsError, TransactionCancelledError
from instaclone.domain.base import ServiceBase
from instaclone.domain.errors import (
    DomainError,
    InvalidInputError,
    UsernameTakenError,
)
from instaclone.domain.models import User
from instaclone.domain.usernames import new_username
from instaclone.domain.users import _name

SESSION_LIFETIME = 30 * 24 * 3600
MIN_PASSWORD, MAX_PASSWORD = 8, 256


class InvalidCredentialsError(DomainError):
    """Unknown username or wrong password (deliberately not saying which)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountOps(ServiceBase):
    hasher: PasswordHasher
    _dummy_hash: str | None = None

    async def sign_up(self, username: str, name: str, password: str) -> User:
        """A user and its account, written together (both or neither)."""
        username = new_username(username)
        if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidInputError(
                f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long"
            )
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

    async def log_in(
        self, username: str, password: str, lifetime: int = SESSION_LIFETIME
    ) -> tuple[str, User]:
        """A new session token and the user; InvalidCredentialsError otherwise."""
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
        user = await self.users.get(username=username).execute()
        if user is None:
            raise InvalidCredentialsError("wrong username or password")
        token = secrets.token_urlsafe(32)
        await self.sessions.create(
            token_hash=token_hash(token),
            username=username,
            expires_at=int(time.time()) + lifetime,
        ).execute()
        return token, user

    async def session_user(self, token: str) -> str | None:
        """The username a session token belongs to, if it is valid and unexpired."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        session = await self.sessions.get(token_hash=token_hash(token)).execute()
        if session is None or session.expires_at <= time.time():
            return None  # TTL deletes expired sessions eventually; they never count
        return session.username

    async def log_out(self, token: str) -> None:
        await self.sessions.delete(token_hash=token_hash(token)).execute()
