# The portal's image for docker-compose.yml: the web nodes (gunicorn), the worker (qcluster) and
# the one-shot `migrate` service all run it. Static files are collected at start into a volume
# nginx reads; uploads go to object storage (S3_*), so containers keep nothing on their disk.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app portal

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Compiled translations are part of the image; the settings need these two values to load.
RUN SECRET_KEY=image-build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost python manage.py compiletranslations \
    && mkdir -p /srv/portal/static && chown portal /srv/portal/static

USER portal
EXPOSE 8000
# gunicorn.conf.py reads GUNICORN_BIND, WEB_CONCURRENCY, FORWARDED_ALLOW_IPS… from the environment.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "portal.wsgi:application"]
