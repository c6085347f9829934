# The portal under gunicorn, production settings (DEBUG off).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only-placeholder-key-not-used-at-runtime-000000 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
USER nobody
EXPOSE 8000
CMD ["gunicorn", "eskk_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
