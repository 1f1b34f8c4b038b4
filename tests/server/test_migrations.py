"""The migration runner and `tutordesk migrate`: each step goes down and up cleanly; history is guarded."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from desktop.cli import CommandError
from desktop.commands import migrate as migrate_cmd
from devstack.pgcluster import find_bin_dir
from server_migrations import runner

pytestmark = pytest.mark.pg


def schema_dump(dsn: str) -> str:
    """The schema as pg_dump prints it (tables, functions, policies, grants), minus the runner's registry."""
    result = subprocess.run(
        [str(find_bin_dir() / "pg_dump"), "--schema-only", "--no-owner", "-N", "tutordesk_migrations", dsn],
        capture_output=True,
        text=True,
        check=True,
    )
    # Newer pg_dump versions fence the script with a random \restrict key: not part of the schema.
    return "\n".join(
        line for line in result.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def latest() -> int:
    return runner.discover()[-1].version


def test_all_up_all_down_all_up_again_leaves_the_same_schema(supabase_db: str) -> None:
    bare = schema_dump(supabase_db)
    assert runner.migrate(supabase_db) == [m.version for m in runner.discover()]
    full = schema_dump(supabase_db)
    assert "create policy" in full.lower() and "sync_pull" in full
    assert runner.rollback(supabase_db, 0) == [m.version for m in reversed(runner.discover())]
    assert schema_dump(supabase_db) == bare
    runner.migrate(supabase_db)
    assert schema_dump(supabase_db) == full


def test_each_step_down_and_up_again(supabase_db: str) -> None:
    """One step at a time: the schema after `up` to N is the schema after `down` to N."""
    migrations = runner.discover()
    runner.migrate(supabase_db)
    dumps = {migrations[-1].version: schema_dump(supabase_db)}
    for migration in reversed(migrations):
        assert runner.rollback(supabase_db, migration.version - 1) == [migration.version]
        dumps[migration.version - 1] = schema_dump(supabase_db)
    for migration in migrations:
        assert runner.migrate(supabase_db, target=migration.version) == [migration.version]
        assert schema_dump(supabase_db) == dumps[migration.version], f"after {migration.version}"


def test_partial_migrate_status_and_schema_version(supabase_db: str) -> None:
    assert runner.migrate(supabase_db, target=2) == [1, 2]
    states = {s.version: s.state for s in runner.status(supabase_db)}
    assert states[1] == states[2] == "applied" and states[3] == "pending"
    with psycopg.connect(supabase_db) as conn:
        assert conn.execute("select schema_version from sync_meta").fetchone() == (2,)
    assert runner.migrate(supabase_db) == list(range(3, latest() + 1))
    assert runner.migrate(supabase_db) == []
    with psycopg.connect(supabase_db) as conn:
        # The version devices see in every answer (P7) is the latest migration's.
        assert conn.execute("select schema_version from sync_meta").fetchone() == (latest(),)
    with pytest.raises(runner.UnknownVersionError):
        runner.migrate(supabase_db, target=999)


def test_an_edited_applied_migration_is_refused(supabase_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(runner.MIGRATIONS_DIR, folder)
    runner.migrate(supabase_db, target=3, folder=folder)
    edited = next(folder.glob("0002_*.up.sql"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n-- a quiet fix\n", encoding="utf-8")
    with pytest.raises(runner.ChecksumMismatchError, match="0002"):
        runner.migrate(supabase_db, folder=folder)
    with pytest.raises(runner.ChecksumMismatchError):
        runner.rollback(supabase_db, 0, folder=folder)
    assert {s.version: s.state for s in runner.status(supabase_db, folder=folder)}[2] == "changed"
    # Nothing ran: 0004 is still pending.
    assert {s.version: s.state for s in runner.status(supabase_db, folder=folder)}[4] == "pending"


def test_a_failing_migration_leaves_nothing_half_done(supabase_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(runner.MIGRATIONS_DIR, folder)
    (folder / "0099_broken.up.sql").write_text("create table public.half_done (id int);\nselect 1/0;\n")
    (folder / "0099_broken.down.sql").write_text("drop table public.half_done;\n")
    with pytest.raises(psycopg.errors.DivisionByZero):
        runner.migrate(supabase_db, folder=folder)
    states = {s.version: s.state for s in runner.status(supabase_db, folder=folder)}
    assert states[latest()] == "applied" and states[99] == "pending"
    with psycopg.connect(supabase_db) as conn:
        assert conn.execute("select to_regclass('public.half_done')").fetchone() == (None,)


def test_every_migration_has_both_files(tmp_path: Path) -> None:
    (tmp_path / "0001_a.up.sql").write_text("select 1;")
    with pytest.raises(runner.MissingFileError, match="down"):
        runner.discover(tmp_path)
    (tmp_path / "0001_a.down.sql").write_text("select 1;")
    (tmp_path / "notes.sql").write_text("select 1;")
    with pytest.raises(runner.MigrationError, match=r"notes\.sql"):
        runner.discover(tmp_path)


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tutordesk")
    migrate_cmd.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return int(args.func(args))


def test_the_migrate_command(supabase_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("migrate", "up", "--db-url", supabase_db, "--to", "2") == 0
    assert "applied: 1, 2" in capsys.readouterr().out
    assert run_cli("migrate", "status", "--db-url", supabase_db) == 0
    out = capsys.readouterr().out
    assert "0002  applied" in out and "0003  pending" in out
    with pytest.raises(CommandError, match="--to"):
        run_cli("migrate", "down", "--db-url", supabase_db)
    assert run_cli("migrate", "down", "--db-url", supabase_db, "--to", "0") == 0
    assert "rolled back: 2, 1" in capsys.readouterr().out


def test_the_migrate_command_speaks_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(migrate_cmd.DB_URL_ENV, raising=False)
    with pytest.raises(CommandError, match="--db-url"):
        run_cli("migrate", "up")
    with pytest.raises(CommandError, match="cannot connect"):
        run_cli("migrate", "status", "--db-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
