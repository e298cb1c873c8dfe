"""The Dockerfile and compose.yaml: they cannot be built here (base images cannot be pulled), so
these check that they do what the README does and say."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_dockerfile_sets_up_as_the_readme_does_and_runs_the_bot() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = re.search(r"^    (python3 -m venv \.venv && \.venv/bin/pip install -q -e \.) && \.venv/bin/storykeeper run$",
                      readme, re.MULTILINE)
    assert setup, "the README's run command changed; change the Dockerfile with it"
    docker = (ROOT / "Dockerfile").read_text()
    assert f"RUN {setup.group(1)}\n" in docker
    assert '".venv/bin/storykeeper", "run", "--health-port", "8080"' in docker and "/healthz" in docker


def test_compose_runs_the_bot_against_its_postgres_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:" in url
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8080:8080" in bot["ports"]


def _compose() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _compose(), reason="Docker Compose is not installed here")
def test_docker_compose_accepts_the_file() -> None:
    done = subprocess.run(["docker", "compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True,
                          env={"DISCORD_TOKEN": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert done.returncode == 0, done.stderr
