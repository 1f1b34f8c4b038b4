"""Applies and rolls back the ordered SQL migrations of `server_migrations/migrations` with psycopg.

Each migration is a pair `NNNN_name.up.sql` / `NNNN_name.down.sql`. Applied versions are recorded with the
SHA-256 of their up file in `tutordesk_migrations.applied` (outside `public`, so the data API never exposes
it). Every step runs in its own transaction together with its registry row, under an advisory lock so two
runners never interleave. When an applied file no longer matches its recorded checksum, nothing runs: an
edited history is a bug to fix by a new migration, not something to paper over.

Exceptions (all `MigrationError`): `ChecksumMismatchError`, `UnknownVersionError`, `MissingFileError`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

log = logging.getLogger(__name__)

__all__ = [
    "MIGRATIONS_DIR",
    "ChecksumMismatchError",
    "Migration",
    "MigrationError",
    "MigrationStatus",
    "MissingFileError",
    "UnknownVersionError",
    "discover",
    "migrate",
    "rollback",
    "status",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$")
# Any constant works as long as every runner uses the same one: it serialises concurrent runs.
_LOCK_KEY = 0x7475746F72  # "tutor"

_REGISTRY = """
create schema if not exists tutordesk_migrations;
create table if not exists tutordesk_migrations.applied (
  version int primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
"""


class MigrationError(Exception):
    """The migrations could not be applied or rolled back; the message says why in plain words."""


class ChecksumMismatchError(MigrationError):
    """An applied migration's file was changed after it ran."""


class UnknownVersionError(MigrationError):
    """A requested or recorded version has no migration file."""


class MissingFileError(MigrationError):
    """A migration lacks its up or down file."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up_path: Path
    down_path: Path

    @property
    def up_sql(self) -> str:
        return self.up_path.read_text(encoding="utf-8")

    @property
    def down_sql(self) -> str:
        return self.down_path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.up_path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    version: int
    name: str
    applied_at: datetime | None
    #: "applied", "pending", "changed" (applied, but the file differs) or "missing" (applied, no file).
    state: str


def discover(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `folder`, ordered by version; each must have both files."""
    pairs: dict[int, dict[str, Path]] = {}
    names: dict[int, str] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name} is not named NNNN_name.up.sql or NNNN_name.down.sql")
        version = int(match.group(1))
        if names.setdefault(version, match.group(2)) != match.group(2):
            raise MigrationError(f"version {version} is used by two migrations")
        pairs.setdefault(version, {})[match.group(3)] = path
    found = []
    for version in sorted(pairs):
        files = pairs[version]
        if set(files) != {"up", "down"}:
            lacking = ({"up", "down"} - set(files)).pop()
            raise MissingFileError(f"migration {version:04d}_{names[version]} has no {lacking} file")
        found.append(Migration(version, names[version], files["up"], files["down"]))
    return found


def _connect(dsn: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(dsn, autocommit=True)
    except psycopg.OperationalError as exc:
        raise MigrationError(f"cannot connect to the database: {exc}".strip()) from exc


def _applied(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, str, datetime]]:
    rows = conn.execute(
        "select version, name, checksum, applied_at from tutordesk_migrations.applied"
    ).fetchall()
    return {int(r[0]): (str(r[1]), str(r[2]), r[3]) for r in rows}


def _check_history(migrations: Iterable[Migration], applied: dict[int, tuple[str, str, datetime]]) -> None:
    by_version = {m.version: m for m in migrations}
    for version, (name, checksum, _at) in sorted(applied.items()):
        migration = by_version.get(version)
        if migration is None:
            raise UnknownVersionError(
                f"the database has migration {version:04d}_{name} applied, but its file is gone"
            )
        if migration.checksum != checksum:
            raise ChecksumMismatchError(
                f"migration {version:04d}_{name} was changed after it was applied; "
                "put the change in a new migration instead"
            )


def _prepare(conn: psycopg.Connection[Any]) -> None:
    conn.execute(_REGISTRY)


def _locked(conn: psycopg.Connection[Any]) -> None:
    conn.execute("select pg_advisory_lock(%s)", (_LOCK_KEY,))


def _unlock(conn: psycopg.Connection[Any]) -> None:
    conn.execute("select pg_advisory_unlock(%s)", (_LOCK_KEY,))


def _run_step(conn: psycopg.Connection[Any], sql: str, record: tuple[str, tuple[Any, ...]]) -> None:
    with conn.transaction():
        conn.execute(sql)  # a whole file of trusted SQL, several statements at once
        conn.execute(record[0], record[1])


def _known(version: int | None, migrations: list[Migration]) -> None:
    if version is not None and version != 0 and version not in {m.version for m in migrations}:
        raise UnknownVersionError(f"there is no migration {version}")


def migrate(dsn: str, target: int | None = None, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Applies the pending migrations up to `target` (default: the latest); returns the versions applied."""
    migrations = discover(folder)
    _known(target, migrations)
    done: list[int] = []
    with _connect(dsn) as conn:
        _locked(conn)
        try:
            _prepare(conn)
            applied = _applied(conn)
            _check_history(migrations, applied)
            for migration in migrations:
                if migration.version in applied or (target is not None and migration.version > target):
                    continue
                log.info("applying migration %04d_%s", migration.version, migration.name)
                insert = "insert into tutordesk_migrations.applied values (%s, %s, %s)"
                record = (migration.version, migration.name, migration.checksum)
                _run_step(conn, migration.up_sql, (insert, record))
                done.append(migration.version)
        finally:
            _unlock(conn)
    return done


def rollback(dsn: str, target: int, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Rolls back the applied migrations above `target` (0: all), newest first; returns those undone."""
    migrations = discover(folder)
    _known(target, migrations)
    done: list[int] = []
    with _connect(dsn) as conn:
        _locked(conn)
        try:
            _prepare(conn)
            applied = _applied(conn)
            _check_history(migrations, applied)
            for migration in reversed(migrations):
                if migration.version not in applied or migration.version <= target:
                    continue
                log.info("rolling back migration %04d_%s", migration.version, migration.name)
                delete = "delete from tutordesk_migrations.applied where version = %s"
                _run_step(conn, migration.down_sql, (delete, (migration.version,)))
                done.append(migration.version)
        finally:
            _unlock(conn)
    return done


def status(dsn: str, folder: Path = MIGRATIONS_DIR) -> list[MigrationStatus]:
    """Every migration in the files or the database, with its state; changes nothing but the registry."""
    migrations = discover(folder)
    with _connect(dsn) as conn:
        _prepare(conn)
        applied = _applied(conn)
    result = []
    for migration in migrations:
        record = applied.pop(migration.version, None)
        if record is None:
            result.append(MigrationStatus(migration.version, migration.name, None, "pending"))
            continue
        state = "applied" if record[1] == migration.checksum else "changed"
        result.append(MigrationStatus(migration.version, migration.name, record[2], state))
    for version, (name, _checksum, at) in sorted(applied.items()):
        result.append(MigrationStatus(version, name, at, "missing"))
    return result
