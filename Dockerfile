# The bot in a container: the README's own set-up, then `storykeeper run` with health checks and
# JSON logs. Give it DISCORD_TOKEN (and DATABASE_URL for a shared PostgreSQL store) at run time.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN python3 -m venv .venv && .venv/bin/pip install -q -e .
ENV PYTHONUNBUFFERED=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD python3 -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz').status != 200)"
CMD [".venv/bin/storykeeper", "run", "--health-port", "8080", "--log-format", "json"]
