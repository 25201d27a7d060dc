# syntax=docker/dockerfile:1
# instaclone's API (and web app) for a container service, talking to AWS DynamoDB and S3.
# Multi-stage: the build stage installs the package into a virtual environment; the final
# image holds that environment on a slim Python, runs as an unprivileged user, and has no
# DynamoDB Local (and no Java): production uses AWS. Configure with the standard AWS
# variables (AWS_REGION, a task role) and INSTACLONE_* (README, "Running on AWS").
#
#   docker build -t instaclone .
#   docker run -p 8000:8000 -e AWS_REGION=eu-west-1 -e INSTACLONE_TABLE=instaclone \
#       -e INSTACLONE_SECRET=... -e INSTACLONE_MEDIA_BUCKET=... instaclone
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/instaclone
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# Behind a proxy that re-signs TLS, pass its CA bundle as a build secret:
#   --secret id=ca_bundle,src=/path/to/ca-certificates.crt
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && /opt/instaclone/bin/pip install . \
 && /opt/instaclone/bin/python -m compileall -q /opt/instaclone

FROM ${BASE}
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/instaclone --create-home \
        --shell /usr/sbin/nologin instaclone
COPY --from=build /opt/instaclone /opt/instaclone
# The event pipeline runs on Lambda (deploy/template.yaml) or as `instaclone worker`; one
# API process per container follows the stream for live pages, beside the pipeline: the
# two readers a stream shard allows. More containers: INSTACLONE_LIVE=poll.
ENV PATH=/opt/instaclone/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    INSTACLONE_USE_AWS=1 \
    INSTACLONE_PIPELINE=off \
    INSTACLONE_HOST=0.0.0.0 \
    INSTACLONE_PORT=8000 \
    INSTACLONE_HOME=/var/lib/instaclone
USER instaclone
WORKDIR /var/lib/instaclone
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2)"]
CMD ["instaclone", "serve"]
