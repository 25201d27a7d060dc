"""instaclone: an Instagram-like social network on DynamoDB single-table design."""

from instaclone.runtime import connect

__all__ = ["connect"]
