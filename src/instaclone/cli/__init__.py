"""The ``instaclone`` command line."""
