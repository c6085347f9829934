# The production image: the portal (gunicorn), its Celery worker and beat, and the
# demo's mock bank all run from it with different commands (docker-compose.yml).
# Only requirements.prod.lock is installed: no test or lint tools.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin eskk
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY requirements.prod.lock .
RUN pip install --require-hashes -r requirements.prod.lock
COPY . .
# Static files are collected at build time (whitenoise's manifest and nginx's copy).
RUN DEBUG=false SECRET_KEY=collectstatic-only-placeholder-key-not-used-at-runtime-000000 \
    ALLOWED_HOSTS=localhost PORTAL_BASE_URL=https://portal.invalid PAYMENT_GATEWAY_URL=https://bank.invalid/ \
    PAYMENT_NOTIFICATION_URL=https://portal.invalid/ PAYMENT_TERMINAL_KEY=build \
    PAYMENT_SECRET=build-only python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/mail /app/var/beat /app/var/bank \
 && chown -R eskk:eskk /app/var
# The writable folders (media, beat's state, the demo bank's database) belong to the user
# the processes run as.
USER eskk
VOLUME ["/app/var/media"]
EXPOSE 8000
CMD ["gunicorn", "eskk_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--access-logfile", "-"]
