"""instaclone: an Instagram-like social network on DynamoDB single-table design."""
