"""Backup and restore of the whole database: an SQLite copy or a PostgreSQL custom-format dump."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict[str, Any]) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return args


def backup(path: Path) -> Path:
    """Write a consistent snapshot of the current database to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)  # online backup: consistent while others write
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_dump") or "pg_dump",
                "-Fc",
                "--no-owner",
                "-f",
                str(path),
                *_pg_args(settings_dict),
                str(settings_dict["NAME"]),
            ],
            check=True,
            env=_pg_env(settings_dict),
        )
    else:  # pragma: no cover
        raise NotImplementedError(connection.vendor)
    return path


def restore(path: Path, database: dict[str, Any] | None = None) -> None:
    """Restore ``path`` into ``database`` (a DATABASES entry; default: the current one)."""
    settings_dict = database or connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(path)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                str(settings_dict["NAME"]),
                *_pg_args(settings_dict),
                str(path),
            ],
            check=True,
            env=_pg_env(settings_dict),
        )
    if settings_dict["NAME"] == connection.settings_dict["NAME"]:
        from .changes import restart

        # Restored from an older release without the counter: no page is kept until migrated.
        with contextlib.suppress(DatabaseError):
            restart()
