"""The pipeline's own items in the table: a lease and checkpoint per shard, and records set
aside after failing. Their own stream records match no handler and never trigger a
checkpoint, so the consumer does not feed itself."""

from __future__ import annotations

from instaclone.data import Entity, Key, TableSchema, ulid_field


class ShardLease(Entity):
    """Who works a shard (until ``lease_until``) and the last record it finished."""

    primary_key = Key(pk="PIPELINE#SHARDS", sk="SHARD#{shardId}")

    shard_id: str
    stream_arn: str
    owner: str | None = None
    lease_until: float = 0
    """Epoch seconds; another consumer may take the shard over after it."""
    checkpoint: str | None = None
    """Sequence number of the last record handled (all before it are handled too)."""
    finished: bool = False
    """The shard is closed and every record of it handled: its children may start."""
    expires_at: int | None = None
    """TTL: a shard's records live 24 h in the stream; its lease item is kept 7 days."""


class ParkedRecord(Entity):
    """A record one handler kept failing on, after its retries: listed and replayed with
    ``instaclone worker --parked`` / ``--replay``. Never expires."""

    primary_key = Key(pk="PIPELINE#PARKED", sk="RECORD#{eventId}#{handler}")

    event_id: str
    handler: str
    sequence_number: str
    record: str
    """The stream record, as JSON, exactly as it was delivered."""
    error: str
    attempts: int
    parked_id: str = ulid_field()


BOOKKEEPING = frozenset({"ShardLease", "ParkedRecord"})

PIPELINE_SCHEMA = TableSchema([ShardLease, ParkedRecord], indexes={"gsi1": ("GSI1PK", "GSI1SK")})
