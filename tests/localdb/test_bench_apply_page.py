"""The apply_page benchmark stays runnable: a tiny run of the real script, nothing written to the docs."""

from __future__ import annotations

import pytest

from bench import bench_apply_page


def test_a_tiny_run_reports_all_three_ways(capsys: pytest.CaptureFixture[str]) -> None:
    code = bench_apply_page.main(
        ["--rows", "300", "--page", "100", "--orm-rows", "60", "--repeat", "1", "--no-write"]
    )
    out = capsys.readouterr().out
    assert code == 0
    for way in ("ours: `Mirror.apply_page`", "same tables", "`lessons` alone", "plain way: SQLAlchemy ORM"):
        assert way in out
    assert "300 lesson rows" in out and "the plain way** (target: at least 5x)" in out


def test_the_generated_rows_look_like_the_servers() -> None:
    [row] = bench_apply_page.make_rows(1)
    assert row["updated_at"].endswith("+00:00") and isinstance(row["field_stamps"], dict)
