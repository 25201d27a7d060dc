"""The HTTP API (FastAPI) over the Instagram domain."""
