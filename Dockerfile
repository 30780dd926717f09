# CityLoop API and worker. Build: docker build -t cityloop .
# Run the API:    docker run -p 8000:8000 --env-file .env cityloop
# Run the worker: docker run --env-file .env cityloop cityloop worker

# the console's browser libraries (package.json "dependencies" only: no local stand-ins), served by console/assets.py
FROM node:20-bookworm-slim AS console-assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api api
COPY identity identity
COPY media media
COPY cases cases
COPY notifications notifications
COPY housing housing
COPY open311 open311
COPY console console
COPY mobile_contract mobile_contract
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    CITYLOOP_ENV=production HOST=0.0.0.0 PORT=8000 WEB_WORKERS=2
# the CJK font that PDF receipts embed (housing/receipts.py)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home /app cityloop
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY migrations migrations
COPY --from=console-assets /src/node_modules node_modules
USER cityloop
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/healthz', timeout=2)"
CMD ["cityloop", "serve", "--no-worker"]
