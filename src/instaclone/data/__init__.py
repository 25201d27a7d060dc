"""A single-table data layer for DynamoDB.

It knows nothing of any application: declare entities (pydantic models with key templates),
gather them in a :class:`TableSchema`, open a :class:`Connection`, and work through
:class:`Table`::

    schema = TableSchema([User, Photo], indexes={"gsi1": ("GSI1PK", "GSI1SK")})
    table = Table(connection, "MyTable", schema)
    users = table.entity(User)
    await users.create(username="juanca", name="Juan Carlos").execute()
    page = await table.entity(Photo).query(username="juanca").descending().limit(12).execute()
"""

from instaclone.data.batch import BatchGet, BatchGetResult, BatchWrite, RetryPolicy
from instaclone.data.credentials import BotocoreCredentials
from instaclone.data.errors import (
    AlreadyExistsError,
    BatchIncompleteError,
    CancellationReason,
    ConditionFailedError,
    DataError,
    EngineUnavailableError,
    InvalidCursorError,
    ItemNotFoundError,
    ServiceError,
    ThrottledError,
    TransactionCancelledError,
    ValidationError,
)
from instaclone.data.expressions import Attr, Condition, attr
from instaclone.data.get import Get
from instaclone.data.query import Page, Query, Scan
from instaclone.data.schema import (
    Document,
    Entity,
    EntityMeta,
    Key,
    TableSchema,
    indexes,
    new_ulid,
    ulid_field,
    uuid_field,
)
from instaclone.data.table import EntityAccess, ScannedItem, Table
from instaclone.data.transaction import TransactGet, TransactWrite
from instaclone.data.update import Update
from instaclone.data.wire import BoundedRetry, Connection, Request
from instaclone.data.writes import ConditionCheck, Create, Delete, Put

__all__ = [
    "AlreadyExistsError",
    "Attr",
    "BatchGet",
    "BatchGetResult",
    "BatchIncompleteError",
    "BatchWrite",
    "BotocoreCredentials",
    "BoundedRetry",
    "CancellationReason",
    "Condition",
    "ConditionCheck",
    "ConditionFailedError",
    "Connection",
    "Create",
    "DataError",
    "Delete",
    "Document",
    "EngineUnavailableError",
    "Entity",
    "EntityAccess",
    "EntityMeta",
    "Get",
    "InvalidCursorError",
    "ItemNotFoundError",
    "Key",
    "Page",
    "Put",
    "Query",
    "Request",
    "RetryPolicy",
    "Scan",
    "ScannedItem",
    "ServiceError",
    "Table",
    "TableSchema",
    "ThrottledError",
    "TransactGet",
    "TransactWrite",
    "TransactionCancelledError",
    "Update",
    "ValidationError",
    "attr",
    "indexes",
    "new_ulid",
    "ulid_field",
    "uuid_field",
]
