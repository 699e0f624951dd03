# One image for every service: `medbill run coder|biller|notifier`, `medbill topics create`,
# `medbill health SERVICE`. Dependencies are pinned by requirements.lock. The project is
# installed without its `local` extra (the broker, PostgreSQL and mail server of `medbill up`):
# in a container those come from compose or the platform.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
RUN pip install -c requirements.lock . \
    && useradd --create-home --uid 10001 --user-group medbill

USER medbill

ENTRYPOINT ["medbill"]
CMD ["--help"]
