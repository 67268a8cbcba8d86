"""docker/requirements-deploy.lock: hashed, disjoint from requirements.lock; with it, what the stack needs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from .conftest import DOCKER_DIR, REPO_ROOT

BASE_LOCK = REPO_ROOT / "requirements.lock"
EXTRAS_LOCK = DOCKER_DIR / "requirements-deploy.lock"
EXTRAS_IN = DOCKER_DIR / "requirements-deploy.in"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_hashed_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a pip-compile style lock; a requirement without '==' is an error."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            current = None if not line.startswith(" ") else current
            continue
        if line.startswith(" "):
            hashes = re.findall(r"--hash=(sha256:[0-9a-f]{64})", stripped)
            if current is None or not hashes:
                raise ValueError(f"stray option line: {line!r}")
            entries[current][1].extend(hashes)
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", stripped)
        if not match:
            raise ValueError(f"requirement not pinned with ==: {stripped!r}")
        current = _normalise(match.group(1))
        entries[current] = (match.group(2), [])
    return entries


@pytest.fixture(scope="module")
def extras() -> dict[str, tuple[str, list[str]]]:
    return parse_hashed_lock(EXTRAS_LOCK.read_text(encoding="utf-8"))


def test_every_extra_is_pinned_and_hashed(extras) -> None:
    assert extras
    unhashed = [name for name, (_, hashes) in extras.items() if not hashes]
    assert not unhashed, f"no hashes for {unhashed}"


def test_extras_and_base_lock_are_disjoint(extras) -> None:
    base = parse_hashed_lock(BASE_LOCK.read_text(encoding="utf-8"))
    assert "apache-airflow" in base
    overlap = extras.keys() & base.keys()
    assert not overlap, f"pinned twice (pip would see two requirements): {sorted(overlap)}"


def test_image_gets_celery_with_redis_and_the_postgres_driver(extras) -> None:
    """The executor's packages are in the project's own lock (tests/celery runs them).

    The extras only add the build backend the image's editable install needs.
    """
    base = parse_hashed_lock(BASE_LOCK.read_text(encoding="utf-8"))
    needed = ("apache-airflow-providers-celery", "celery", "kombu", "redis", "psycopg2-binary")
    assert not [name for name in needed if name not in base]
    assert "setuptools" in extras


def test_lock_pins_what_the_input_file_asks_for(extras) -> None:
    asked = {}
    for line in EXTRAS_IN.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"unpinned input {line!r}"
            asked[_normalise(name)] = version
    assert asked
    for name, version in asked.items():
        assert extras[name][0] == version, f"{name}: lock {extras[name][0]} != input {version}"


def test_lock_parser_rejects_an_unpinned_requirement() -> None:
    with pytest.raises(ValueError, match="not pinned"):
        parse_hashed_lock("celery>=5\n")
    parsed = parse_hashed_lock("Foo_Bar==1.0 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via x\n")
    assert parsed == {"foo-bar": ("1.0", ["sha256:" + "a" * 64])}


def _load_lock_script():
    spec = importlib.util.spec_from_file_location("lock_deploy_extras", DOCKER_DIR / "lock_deploy_extras.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lock_script_excludes_every_base_package_from_its_output() -> None:
    script = _load_lock_script()
    names = script.pinned_names("Foo.Bar==1 \\\n    --hash=sha256:x\n# comment==2\nbaz==3\n")
    assert names == ["foo-bar", "baz"]
    command = script.compile_command(names)
    excluded = [command[i + 1] for i, word in enumerate(command) if word == "--no-emit-package"]
    assert excluded == ["foo-bar", "baz"]
    assert "--generate-hashes" in command
    assert command[command.index("--constraint") + 1] == "requirements.lock"
    assert Path(REPO_ROOT / command[command.index("--output-file") + 1]) == EXTRAS_LOCK
