"""Shared readers of the deployment files (docker-compose.yml, .env.example, Dockerfile)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKER_DIR = REPO_ROOT / "docker"

# Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err};
# "$${...}" is an escaped literal "$" and not a variable.
_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@dataclass(frozen=True)
class VariableUse:
    """One ${...} reference in the compose file."""

    name: str
    operator: str | None  # ":-", "-", ":?", "?" or None
    argument: str  # the default or the error message

    @property
    def default(self) -> str | None:
        return self.argument if self.operator in (":-", "-") else None

    @property
    def required(self) -> bool:
        return self.operator in (":?", "?")


def variable_uses(text: str) -> list[VariableUse]:
    """Every interpolated variable of a compose file's raw text, in order."""
    return [VariableUse(m.group(1), m.group(2), m.group(3) or "") for m in _VARIABLE.finditer(text)]


def is_single_variable(value: str) -> bool:
    """True when a value is exactly one ${VAR...} reference and nothing else."""
    match = _VARIABLE.fullmatch(value.strip())
    return match is not None


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines of a .env file (comments and blank lines skipped); a repeated key is an error."""
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"line {number} is not KEY=value: {line!r}")
        if key in entries:
            raise ValueError(f"line {number}: {key} is set twice")
        entries[key] = value
    return entries


@pytest.fixture(scope="session")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def compose(compose_text: str) -> dict:
    """The compose model with YAML anchors and merge keys resolved (as Compose sees it)."""
    return yaml.safe_load(compose_text)


@pytest.fixture(scope="session")
def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
