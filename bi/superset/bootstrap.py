"""Set up Superset's metadata for govperf; run by Superset's own interpreter (bi/superset/.venv).

``python -m bi.superset setup`` starts this script in Superset's virtualenv — Superset pins
SQLAlchemy 1.4 and cannot share Airflow's environment — with everything it needs in the
environment (see ``bi/superset/manage.py``).  One process does what would otherwise be four
Superset CLI calls (``db upgrade``, ``init``, ``fab create-admin``, ``import-dashboards``),
each of which pays Superset's ~8 s import again:

1. metadata: SQLite at ``SUPERSET_HOME/superset.db``.  A fresh one is migrated and given
   Superset's roles, then copied to ``GOVPERF_SUPERSET_TEMPLATE`` (keyed by the lock file's
   hash) before any user or dashboard is in it, so the next fresh set-up on this machine
   copies it instead of migrating (~35 s).  An existing file is upgraded (a no-op unless
   Superset changed) and its roles re-synchronised.
2. the admin user (``SUPERSET_ADMIN_USER`` / ``SUPERSET_ADMIN_PASSWORD``), created or reset.
3. the dashboards: the export bundle in ``GOVPERF_SUPERSET_BUNDLE`` (YAML) imported with
   overwrite, its database URI pointed at ``WAREHOUSE_PATH`` (read-only).
4. a ``govperf_reader`` role: Gamma plus SQL Lab on the BI schemas (marts, quality) and the
   three datasets — the staging and intermediate schemas stay out of a reader's way.

Prints one JSON line of timings on stdout.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import sys
import time
import zipfile
from pathlib import Path

DATABASE_NAME = "govperf_warehouse"
READER_ROLE = "govperf_reader"
BI_SCHEMAS = ("marts", "quality")


def _bundle_zip(bundle_dir: Path, warehouse_uri: str) -> bytes:
    """The YAML tree as the zip Superset's importer reads, with the warehouse's real URI."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(bundle_dir.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            if path.parent.name == "databases":
                text = text.replace("duckdb:///WAREHOUSE_PATH", warehouse_uri)
            archive.writestr(f"govperf_dashboards/{path.relative_to(bundle_dir).as_posix()}", text)
    return buffer.getvalue()


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (the backup API, not a byte copy of a live file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    os.replace(partial, target)


def main() -> int:
    timings: dict[str, float] = {}
    started = time.monotonic()
    home = Path(os.environ["SUPERSET_HOME"])
    metadata = home / "superset.db"
    template = Path(os.environ["GOVPERF_SUPERSET_TEMPLATE"])
    fresh = not metadata.exists()
    from_template = fresh and template.exists()
    if from_template:
        shutil.copyfile(template, metadata)

    from superset.app import create_app

    app = create_app()
    timings["import_s"] = round(time.monotonic() - started, 1)
    with app.app_context():
        from flask import g
        from flask_migrate import upgrade
        from superset.commands.dashboard.importers.dispatcher import ImportDashboardsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.extensions import appbuilder, db, security_manager

        step = time.monotonic()
        # Cheap when the file is current (alembic compares one revision); needed after an upgrade.
        upgrade(directory=str(Path(sys.modules["superset"].__file__).parent / "migrations"))
        if not from_template:  # Superset's roles and permissions (`superset init`)
            appbuilder.add_permissions(update_perms=True)
            security_manager.sync_role_definitions()
            db.session.commit()
        if fresh and not from_template:  # only an empty, initialised file becomes the template
            _copy_sqlite(metadata, template)
        timings["metadata_s"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        username = os.environ.get("SUPERSET_ADMIN_USER", "admin")
        password = os.environ["SUPERSET_ADMIN_PASSWORD"]
        admin_role = security_manager.find_role("Admin")
        user = security_manager.find_user(username=username)
        if user is None:
            security_manager.add_user(
                username, "govperf", "admin", f"{username}@localhost", admin_role, password
            )
        else:
            security_manager.reset_password(user.id, password)
        db.session.commit()
        timings["admin_s"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        warehouse = Path(os.environ["WAREHOUSE_PATH"]).absolute()
        bundle = _bundle_zip(Path(os.environ["GOVPERF_SUPERSET_BUNDLE"]), f"duckdb:///{warehouse}")
        g.user = security_manager.find_user(username=username)
        with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
            contents = get_contents_from_bundle(archive)
        ImportDashboardsCommand(contents, overwrite=True).run()
        db.session.commit()
        timings["import_dashboards_s"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        _ensure_reader_role(security_manager, db)
        timings["roles_s"] = round(time.monotonic() - step, 1)
    timings["total_s"] = round(time.monotonic() - started, 1)
    print(json.dumps({"metadata_from_template": from_template, **timings}))
    return 0


def _ensure_reader_role(security_manager, db) -> None:  # type: ignore[no-untyped-def]
    """govperf_reader: what Gamma may do, SQL Lab, and read access to the BI schemas and datasets."""
    from superset.connectors.sqla.models import SqlaTable
    from superset.models.core import Database

    role = security_manager.add_role(READER_ROLE)
    wanted = set()
    for name in ("Gamma", "sql_lab"):
        source = security_manager.find_role(name)
        if source is not None:
            wanted.update(source.permissions)
    database = db.session.query(Database).filter_by(database_name=DATABASE_NAME).one()
    for schema in BI_SCHEMAS:
        perm = security_manager.get_schema_perm(database.database_name, None, schema)
        security_manager.add_permission_view_menu("schema_access", perm)
        wanted.add(security_manager.find_permission_view_menu("schema_access", perm))
    for dataset in db.session.query(SqlaTable).filter_by(database_id=database.id):
        security_manager.add_permission_view_menu("datasource_access", dataset.perm)
        wanted.add(security_manager.find_permission_view_menu("datasource_access", dataset.perm))
    role.permissions = sorted((p for p in wanted if p is not None), key=lambda p: p.id)
    db.session.commit()


if __name__ == "__main__":
    sys.exit(main())
