"""The seed's entities and its table, exactly: key templates, index, attribute names.

| Entity  | PK                        | SK                         | GSI1PK                     | GSI1SK                    |
|---------|---------------------------|----------------------------|----------------------------|---------------------------|
| User    | USER#{username}           | USER#{username}            |                            |                           |
| Photo   | UP#{username}             | PHOTO#{photoId}            |                            |                           |
| Story   | UP#{username}             | STORY#{storyId}            |                            |                           |
| Like    | PL#{photoId}              | LIKE#{likingUsername}      | PL#{photoId}               | LIKE#{likeId}             |
| Comment | PC#{photoId}              | COMMENT#{commentId}        |                            |                           |
| Follow  | FOLLOW#{followedUsername} | FOLLOW#{followingUsername} | FOLLOW#{followingUsername} | FOLLOW#{followedUsername} |

Our own entities, in the same table (no new index):

| Entity     | PK                  | SK                   | written by                                         |
|------------|---------------------|----------------------|----------------------------------------------------|
| Account    | USER#{username}     | ACCOUNT              | sign-up (with the User, in one transaction)        |
| Session    | SESSION#{tokenHash} | SESSION              | log-in (gsi1: SESSIONS#{username} / SESSION#{id})  |
| FeedItem   | FEED#{username}     | PHOTO#{photoId}      | the author's post (own feed); the pipeline (others)|
| FeedState  | FEED#{username}     | STATE                | the feed's one-time rebuild by pull                |
| PullSet    | HOME#{username}     | PULL                 | the pipeline: followed accounts read by pull       |
| TrayEntry  | HOME#{username}     | STORY#{rank}#{author}| the pipeline: a followee's live story              |
| StoryView  | VIEW#{storyId}      | USER#{viewer}        | a view (with the story's counter, one per viewer)  |
| SearchEntry| SEARCH#{prefix}     | RANK#{rank}#{username}| the pipeline: a user under each prefix of a term  |
| TagEntry   | TAG#{tag}           | PHOTO#{photoId}      | the pipeline: a photo whose caption has the tag    |
| Hashtag    | TAG#{tag}           | COUNT                | the pipeline, with each TagEntry (its photo count) |
| ExploreEntry| EXPLORE#{shard}    | RANK#{rank}          | the pipeline: a recent photo, ranked by its likes  |
| SavedMark  | SAVED#{username}    | PHOTO#{photoId}      | a save (whether this photo is saved)               |
| SavedEntry | SAVED#{username}    | SAVE#{saveId}        | a save, in the same transaction (newest first)     |
| Saver      | SAVERS#{photoId}    | USER#{username}      | a save, in the same transaction (for the cascade)  |
| Block      | BLOCKS#{username}   | USER#{blocked}       | a block (does she block him? one GetItem; a list)  |
"""

from __future__ import annotations

from pydantic import Field

from instaclone.data import Document, Entity, Key, TableSchema, indexes, ulid_field


class User(Entity):
    primary_key = Key(pk="USER#{username}", sk="USER#{username}")

    username: str
    name: str
    follower_count: int = 0
    following_count: int = 0
    photo_count: int = 0
    """Kept in step with the photos in the same transactions (the seed counted at most 12)."""
    celebrity: bool = False
    """Set by the pipeline above a follower threshold (with hysteresis): such an account's
    posts are not fanned out; its followers' feeds pull them when read."""
    bio: str | None = None
    website: str | None = None
    mentions: list[str] = Field(default_factory=list)
    """The accounts the bio mentions that existed when it was written (shown as links)."""
    avatar_url: str | None = None
    """The profile picture, 320 px square; ``avatar_thumb_url`` is 150 px."""
    avatar_thumb_url: str | None = None
    avatar_keys: list[str] = Field(default_factory=list)
    """The files of the current profile picture (removed when it is replaced)."""


class Photo(Entity):
    primary_key = Key(pk="UP#{username}", sk="PHOTO#{photoId}")

    username: str
    photo_id: str = ulid_field()
    url: str
    thumbnail_url: str | None = None
    """A 320 px rendition, for uploaded photos."""
    caption: str | None = None
    likes_count: int = 0
    comment_count: int = 0
    media_keys: list[str] = Field(default_factory=list)
    """The files this photo's own upload stored: the only files its deletion removes (a URL
    never leads to a deletion)."""
    tags: list[str] = Field(default_factory=list)
    """The caption's hashtags (folded); the pipeline keeps the tag pages in step."""
    mentions: list[str] = Field(default_factory=list)
    """The accounts the caption mentions that existed when it was written."""


class Frame(Document):
    url: str
    duration: float | None = None
    media_type: str | None = None


class Location(Document):
    city: str | None = None
    country: str | None = None
    lat: float | None = None
    lng: float | None = None


class Story(Entity):
    primary_key = Key(pk="UP#{username}", sk="STORY#{storyId}")

    username: str
    story_id: str = ulid_field()
    view_count: int = 0
    frames: list[Frame] = Field(default_factory=list)
    location: Location | None = None
    expires_at: int | None = None
    """Epoch seconds; the table's TTL attribute, so AWS deletes the story after it."""
    media_keys: list[str] = Field(default_factory=list)
    """The files this story's own upload stored."""


class Like(Entity):
    primary_key = Key(pk="PL#{photoId}", sk="LIKE#{likingUsername}")
    index_keys = indexes(gsi1=Key(pk="PL#{photoId}", sk="LIKE#{likeId}"))

    photo_id: str
    liking_username: str
    like_id: str = ulid_field()
    photo_owner: str | None = None
    """Whose photo (so the pipeline can tell them without a read)."""


class Comment(Entity):
    primary_key = Key(pk="PC#{photoId}", sk="COMMENT#{commentId}")

    photo_id: str
    comment_id: str = ulid_field()
    commenting_username: str
    content: str
    mentions: list[str] = Field(default_factory=list)
    """The accounts the comment mentions that existed when it was written."""
    photo_owner: str | None = None
    """Whose photo (so the pipeline can tell them without a read)."""


class Follow(Entity):
    primary_key = Key(pk="FOLLOW#{followedUsername}", sk="FOLLOW#{followingUsername}")
    index_keys = indexes(gsi1=Key(pk="FOLLOW#{followingUsername}", sk="FOLLOW#{followedUsername}"))

    followed_username: str
    following_username: str


class Account(Entity):
    """Sign-in data, kept apart from the public User item so it can never be served with it."""

    primary_key = Key(pk="USER#{username}", sk="ACCOUNT")

    username: str
    password_hash: str


class Session(Entity):
    """A signed-in session. Only a hash of the token is stored: a leaked table holds no token."""

    primary_key = Key(pk="SESSION#{tokenHash}", sk="SESSION")
    index_keys = indexes(gsi1=Key(pk="SESSIONS#{username}", sk="SESSION#{sessionId}"))

    token_hash: str
    username: str
    expires_at: int
    """Epoch seconds; the table's TTL attribute. Slides forward while the session is used."""
    session_id: str | None = None
    """A public, time-ordered id (the token's hash is never shown); it also puts the session
    in the user's list (gsi1), so it can be listed, capped and revoked."""
    client: str | None = None
    """The User-Agent that signed in."""
    last_seen_at: int | None = None


class FeedItem(Entity):
    """A photo in one reader's home feed: a small summary; the page reads the photo itself
    for its current state. Expires (TTL) after FEED_LIFETIME; trimmed to the newest items."""

    primary_key = Key(pk="FEED#{username}", sk="PHOTO#{photoId}")
    timestamps = False

    username: str
    """The reader."""
    photo_id: str
    author: str
    caption: str | None = None
    """The caption's first characters."""
    expires_at: int


class FeedState(Entity):
    """Marks a feed as rebuilt by pull, so an empty feed is rebuilt once, not on every read;
    it expires with the feed, so a reader back after longer than that gets a rebuild."""

    primary_key = Key(pk="FEED#{username}", sk="STATE")
    timestamps = False

    username: str
    rebuilt_at: int
    expires_at: int


class PullSet(Entity):
    """The accounts above the follower threshold that a reader follows: their posts are
    merged into the reader's feed and tray when read (bounded by MAX_PULLED)."""

    primary_key = Key(pk="HOME#{username}", sk="PULL")
    timestamps = False

    username: str
    authors: set[str] = Field(default_factory=set)


class TrayEntry(Entity):
    """A followee with a live story, in one reader's story tray; expires with that story."""

    primary_key = Key(pk="HOME#{username}", sk="STORY#{rank}#{author}")
    timestamps = False

    username: str
    """The reader."""
    rank: str
    """"0" for the reader's own story (first in the tray), "1" for the others."""
    author: str
    story_id: str
    """The author's latest story."""
    expires_at: int


class StoryView(Entity):
    """One viewer of one story (a story's views count each viewer once); expires with it."""

    primary_key = Key(pk="VIEW#{storyId}", sk="USER#{viewer}")

    story_id: str
    viewer: str
    expires_at: int | None = None


class SearchEntry(Entity):
    """A user under one prefix (1 to 3 letters) of one of their search terms, ranked by
    followers (coarsely, so a follow seldom rewrites it); written by the pipeline."""

    primary_key = Key(pk="SEARCH#{prefix}", sk="RANK#{rank}#{username}")
    timestamps = False

    prefix: str
    rank: str
    """Two digits, fewer for more followers, so a Query reads the most followed first."""
    username: str
    name: str
    terms: list[str]
    """Every folded term of the user (a longer query is matched against these)."""
    avatar_thumb_url: str | None = None


class TagEntry(Entity):
    """A photo on a hashtag's page (newest first); written by the pipeline."""

    primary_key = Key(pk="TAG#{tag}", sk="PHOTO#{photoId}")
    timestamps = False

    tag: str
    photo_id: str
    username: str
    """The photo's author."""


class Hashtag(Entity):
    """A hashtag's photo count, changed in the same transaction as its TagEntry items."""

    primary_key = Key(pk="TAG#{tag}", sk="COUNT")
    timestamps = False

    tag: str
    photo_count: int = 0


class ExploreEntry(Entity):
    """A recent photo on the Explore page, ranked by its likes (``rank`` sorts the most
    liked first, then the newest); rewritten by the pipeline when its likes change and
    gone (TTL, and filtered on read) when the photo leaves the window."""

    primary_key = Key(pk="EXPLORE#{shard}", sk="RANK#{rank}")
    timestamps = False

    shard: str
    rank: str
    photo_id: str
    username: str
    likes_count: int
    expires_at: int


class SavedMark(Entity):
    """That ``username`` saved this photo (one read says whether; a save is idempotent)."""

    primary_key = Key(pk="SAVED#{username}", sk="PHOTO#{photoId}")

    username: str
    photo_id: str
    owner: str
    save_id: str


class SavedEntry(Entity):
    """The same save in the order it was made, for the Saved list (newest first)."""

    primary_key = Key(pk="SAVED#{username}", sk="SAVE#{saveId}")
    timestamps = False

    username: str
    save_id: str
    photo_id: str
    owner: str


class Saver(Entity):
    """Who saved a photo, so the photo's deletion can take it out of every Saved list."""

    primary_key = Key(pk="SAVERS#{photoId}", sk="USER#{username}")
    timestamps = False

    photo_id: str
    username: str
    save_id: str


class NotificationGroup(Entity):
    """One row of someone's activity: every actor of one kind on one photo (or every new
    follower) within one day, "alice, bob and 3 others liked your photo". Listed newest
    first through gsi1 by ``last_at``, which is removed (taking the row out of the list)
    when every actor has undone what they did. Expires after 90 days."""

    primary_key = Key(pk="NOTIFS#{username}", sk="GROUP#{groupKey}")
    index_keys = indexes(gsi1=Key(pk="NOTIFS#{username}", sk="AT#{lastAt}"))
    timestamps = False

    username: str
    """Who is told."""
    group_key: str
    kind: str
    """like, comment, follow or mention."""
    day: str
    photo_id: str | None = None
    photo_owner: str | None = None
    actor_count: int = 0
    recent: list[str] = Field(default_factory=list)
    """The latest actors, newest first (at most 3)."""
    last_at: str | None = None
    """Milliseconds of the latest event, zero-padded (sorts as text)."""
    preview: str | None = None
    """The latest comment's first characters."""
    version: int = 0
    expires_at: int = 0


class NotificationActor(Entity):
    """One actor in one group, with each of their events in it: written and removed with
    the group's count, so a repeated record changes nothing and an undo removes exactly
    what it added (one comment of two leaves them in the row)."""

    primary_key = Key(pk="NOTIFS#{username}", sk="ACTOR#{groupKey}#{actor}")
    timestamps = False

    username: str
    group_key: str
    actor: str
    at: int
    """Milliseconds of the event: unread while later than the reader's ``read_until``."""
    preview: str | None = None
    """What they wrote (a comment, a mention), for the row when a later actor undoes theirs."""
    moments: dict[str, str] = Field(default_factory=dict)
    """Each of their events in the group (two comments on one photo the same day), by its
    milliseconds: what it said ("" for nothing). ``at`` and ``preview`` are the latest's.
    Items from before it have none: their one event is ``at``."""
    expires_at: int = 0


class NotificationCounter(Entity):
    """Someone's unread count (one read for the badge) and when they last read everything."""

    primary_key = Key(pk="NOTIFS#{username}", sk="UNREAD")
    timestamps = False

    username: str
    unread: int = 0
    read_until: int = 0
    version: int = 0
    """Moves by one with every change: a live page keeps the newest state it was sent."""


class Message(Entity):
    """One direct message, in its conversation's partition, in the order sent (ULID)."""

    primary_key = Key(pk="CONV#{conversationId}", sk="MSG#{messageId}")

    conversation_id: str
    """The two usernames, sorted, joined by ":"."""
    message_id: str = ulid_field()
    sender: str
    text: str | None = None
    photo_url: str | None = None
    photo_thumb_url: str | None = None
    media_keys: list[str] = Field(default_factory=list)
    client_id: str


class MessageReceipt(Entity):
    """That a sender's client id was used, and for which message: a retried send (after a
    timeout, say) finds it and answers the same message instead of sending it twice."""

    primary_key = Key(pk="CONV#{conversationId}", sk="CLIENT#{sender}#{clientId}")
    timestamps = False

    conversation_id: str
    sender: str
    client_id: str
    message_id: str


class InboxEntry(Entity):
    """A conversation in one participant's list, updated with each message; gsi1 lists a
    folder (inbox or requests) by the last message, newest first."""

    primary_key = Key(pk="DMS#{username}", sk="CONV#{conversationId}")
    index_keys = indexes(gsi1=Key(pk="DMS#{username}#{folder}", sk="AT#{lastMessageId}"))
    timestamps = False

    username: str
    conversation_id: str
    other: str
    folder: str
    """inbox; requests (someone you do not follow wrote first); or declined (listed nowhere:
    a new message from them opens a new request)."""
    last_message_id: str
    last_sender: str
    preview: str
    unread: int = 0
    cleared_until: str | None = None
    """The last message id of a request you declined: you never see it or the ones before."""


class DirectCounter(Entity):
    """Unread messages in someone's inbox folder, and how many requests wait (one read)."""

    primary_key = Key(pk="DMS#{username}", sk="UNREAD")
    timestamps = False

    username: str
    unread: int = 0
    requests: int = 0
    version: int = 0
    """Moves by one with every change: a live page keeps the newest state it was sent."""


class Block(Entity):
    """That ``username`` blocked ``blocked``: neither can follow or message the other, and
    what the blocked one does no longer notifies them."""

    primary_key = Key(pk="BLOCKS#{username}", sk="USER#{blocked}")

    username: str
    blocked: str


ENTITIES: tuple[type[Entity], ...] = (
    User,
    Photo,
    Story,
    Like,
    Comment,
    Follow,
    Account,
    Session,
    FeedItem,
    FeedState,
    PullSet,
    TrayEntry,
    StoryView,
    SearchEntry,
    TagEntry,
    Hashtag,
    ExploreEntry,
    SavedMark,
    SavedEntry,
    Saver,
    NotificationGroup,
    NotificationActor,
    NotificationCounter,
    Message,
    MessageReceipt,
    InboxEntry,
    DirectCounter,
    Block,
)

SCHEMA = TableSchema(ENTITIES, indexes={"gsi1": ("GSI1PK", "GSI1SK")})
