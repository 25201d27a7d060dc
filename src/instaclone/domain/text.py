"""What is read out of people's text: ``#tags`` and ``@mentions`` in captions, comments and
bios, and the folded words that user search matches ("José" is found by "jose")."""

from __future__ import annotations

import re
import unicodedata

from instaclone.domain.errors import InvalidInputError

MAX_TAG = 100
"""A longer run of letters after ``#`` is not a tag (and asking for one is refused)."""
MAX_TAGS = 30
"""Instagram's limit per post: a caption with more is refused, not silently cut."""
MAX_MENTIONS = 20

# A tag is Unicode letters, digits, "_" and the marks that belong to letters (the vowel
# signs of Devanagari, an accent typed as a separate character); it starts where a word
# does not, so "a#b" is no tag. The text is NFC-normalised first ("crème" typed as e and
# a combining grave is the same tag as "crème").
_TAG_START = re.compile(r"(?<![\w#&])#")


def _tag_char(c: str) -> bool:
    return c.isalnum() or c == "_" or unicodedata.category(c).startswith("M")


_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9._]{1,30})")
_WORD = re.compile(r"[^\W_]+")


# Letters that Unicode does not decompose into a base letter and a mark, written as people
# type them without the keyboard for it ("lukasz" for "Łukasz", "soren" for "Søren").
_PLAIN = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
        "ŋ": "n",
        "ħ": "h",
    }
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: NFKD without combining marks, case-folded, and
    the few letters with no decomposition written plainly."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold().translate(_PLAIN))


def normalize_tag(tag: str) -> str:
    """A tag as stored and looked up: NFC, case-folded, without the ``#``."""
    if not isinstance(tag, str):
        raise InvalidInputError("a hashtag must be a string")
    value = unicodedata.normalize("NFC", tag.strip().removeprefix("#")).casefold()
    if not value:
        raise InvalidInputError("a hashtag may not be empty")
    if len(value) > MAX_TAG:
        raise InvalidInputError(f"a hashtag is at most {MAX_TAG} characters")
    if not all(_tag_char(c) for c in value):
        raise InvalidInputError("a hashtag is letters, digits and '_' only")
    return value


def hashtags(text: str | None, *, strict: bool = True) -> list[str]:
    """The distinct tags of a text, in order of first appearance; more than MAX_TAGS is
    refused (or, not ``strict``, cut to the first MAX_TAGS: for text already stored)."""
    found: dict[str, None] = {}
    text = unicodedata.normalize("NFC", text or "")
    for match in _TAG_START.finditer(text):
        end = match.end()
        while end < len(text) and _tag_char(text[end]):
            end += 1
        raw = text[match.end() : end]
        if raw and len(raw) <= MAX_TAG and (end == len(text) or text[end] != "#"):
            found.setdefault(raw.casefold(), None)
    if len(found) > MAX_TAGS and not strict:
        return list(found)[:MAX_TAGS]
    if len(found) > MAX_TAGS:
        raise InvalidInputError(f"a caption may have at most {MAX_TAGS} hashtags")
    return list(found)


def mentions(text: str | None) -> list[str]:
    """The distinct usernames after ``@`` (lower-cased), at most MAX_MENTIONS; whether each
    exists is for the caller to find out."""
    found: dict[str, None] = {}
    for match in _MENTION.finditer(text or ""):
        name = match.group(1).lower().rstrip(".")
        if name:
            found.setdefault(name, None)
    return list(found)[:MAX_MENTIONS]


def words(text: str) -> list[str]:
    """The folded words of a text, in order (letters and digits; punctuation and "_"
    separate words): what user search compares."""
    return _WORD.findall(fold(text))


def search_terms(username: str, name: str) -> list[str]:
    """Every term a user is found by: the username whole (without its dots and
    underscores), each of its parts, each word of the name."""
    terms: dict[str, None] = {}
    whole = "".join(words(username))
    if whole:
        terms[whole] = None
    for word in words(username) + words(name):
        terms.setdefault(word, None)
    return list(terms)[:12]


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def plain_text(value: str, what: str, *, newlines: bool = False) -> str:
    """``value`` unchanged, or InvalidInputError if it holds a control character or one that
    changes the direction of what follows (U+202E makes "gnp.exe" show as "exe.png", and
    spills past its own text into whatever the page shows after it)."""
    for c in value:
        if c in _BIDI_CONTROLS or (
            unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and not (newlines and c in "\n\t")
        ):
            raise InvalidInputError(
                f"{what} may not contain control or direction-changing characters ({c!r})"
            )
    return value


def visible(value: str) -> bool:
    """Whether anything in it shows (not only spaces and invisible format characters)."""
    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in value)
