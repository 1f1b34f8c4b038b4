"""sync.rules against the shared table of cases (tests/cases/merge_cases.json), plus the clock helpers.

Each case: {"name", "rule", "table", "existing" (row or null), "incoming", "restore_of", "now" (the server's
clock for the clamp, null on the device), "expected_row" (a subset of columns), "expected_lost" (any order),
"expected_clamped", optional "changed_fields" (the columns the pushing device changed: only those can be
lost)}. The server's SQL merge is tested against the same file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdb.outbox import own_losses
from sync import rules

CASES_PATH = Path(__file__).resolve().parents[1] / "cases" / "merge_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text(encoding="utf-8"))
TIME_COLUMNS = {"updated_at", "deleted_at", "created_at"}


def _normal(column: str, value: Any) -> Any:
    if column in TIME_COLUMNS and isinstance(value, str):
        return rules.canonical(value)
    return value


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_merge_matches_the_shared_case(case: dict[str, Any]) -> None:
    outcome = rules.merge(
        case["table"], case["existing"], case["incoming"], case["restore_of"], now=case["now"]
    )
    lost = outcome.lost_fields
    if "changed_fields" in case:  # the device keeps only the columns it changed (localdb filters, C6)
        lost = own_losses(lost, case["changed_fields"], restoring=case["restore_of"] is not None)
    for column, expected in case["expected_row"].items():
        assert _normal(column, outcome.row.get(column)) == _normal(column, expected), column
    assert sorted(lost) == sorted(case["expected_lost"])
    assert outcome.clamped is case["expected_clamped"]


def test_the_case_table_covers_every_rule() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for rule in ("C1", "C2", "C3", "C4", "C5"):
        assert sum(c["rule"] == rule for c in CASES) >= 3, rule
    assert any(c["expected_lost"] for c in CASES) and any(c["expected_clamped"] for c in CASES)
    with_changed = [c for c in CASES if "changed_fields" in c]
    assert any(c["expected_lost"] for c in with_changed) and any(not c["expected_lost"] for c in with_changed)


def test_merge_does_not_modify_its_arguments() -> None:
    case = next(c for c in CASES if c["name"] == "c2_stamp_years_ahead_is_clamped_to_now")
    before = json.dumps(case, sort_keys=True)
    rules.merge(case["table"], case["existing"], case["incoming"], None, now=case["now"])
    assert json.dumps(case, sort_keys=True) == before


def test_device_merge_is_the_merge_without_clamp() -> None:
    case = next(c for c in CASES if c["name"] == "c2_device_side_merge_never_clamps")
    row, lost = rules.device_merge(case["table"], case["existing"], case["incoming"], None)
    assert row["title"] == "From 2031" and lost == []


def test_canonical_forms() -> None:
    assert rules.canonical("2026-11-22T09:00:00+00:00") == "2026-11-22T09:00:00.000000Z"
    assert rules.canonical("2026-11-22 11:00:00.5+02:00") == "2026-11-22T09:00:00.500000Z"
    assert rules.canonical("2026-11-22T09:00:00.123456Z") == "2026-11-22T09:00:00.123456Z"
    assert rules.canonical(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000000Z"


def test_stamps_compare_as_c1() -> None:
    dev_a, dev_b = "a" * 8 + "-0000-4000-8000-000000000000", "b" * 8 + "-0000-4000-8000-000000000000"
    early, late = "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000001Z"
    assert rules.make_stamp(late, dev_a) > rules.make_stamp(early, dev_b)
    assert rules.make_stamp(early, dev_b) > rules.make_stamp(early, dev_a)
    assert rules.split_stamp(rules.make_stamp(early, dev_a)) == ("2026-01-01T00:00:00.000000Z", dev_a)


def test_clock_offset_uses_the_midpoint_of_the_round_trip() -> None:
    sent = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    received = sent + timedelta(seconds=2)
    # The server read its clock half-way; it is 600 s ahead of ours.
    server = sent + timedelta(seconds=1 + 600)
    assert rules.clock_offset(sent, received, server.isoformat()) == pytest.approx(600.0)
    assert rules.corrected_now(-30.0, clock=lambda: sent) == sent - timedelta(seconds=30)


_moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)
_devices = st.sampled_from(
    ["1" * 8 + "-0000-4000-8000-000000000000", "2" * 8 + "-0000-4000-8000-000000000000"]
)
_edit = st.fixed_dictionaries(
    {"title": st.text(max_size=5), "title_at": _moments, "desc": st.text(max_size=5), "desc_at": _moments,
     "device": _devices}
)


def _row(edit: dict[str, Any]) -> dict[str, Any]:
    stamps = {
        "title": rules.make_stamp(edit["title_at"], edit["device"]),
        "description": rules.make_stamp(edit["desc_at"], edit["device"]),
    }
    return {"id": "x", "field_stamps": stamps, "title": edit["title"], "description": edit["desc"],
            "deleted_at": None, "updated_at": rules.canonical(max(edit["title_at"], edit["desc_at"]))}


@given(_edit, _edit)
def test_merge_order_does_not_matter_for_data(one: dict[str, Any], two: dict[str, Any]) -> None:
    """C1 convergence: whichever side the server saw first, each field ends with the greater stamp's value."""
    a, b = _row(one), _row(two)
    ab = rules.merge("lessons", a, b, None).row
    ba = rules.merge("lessons", b, a, None).row
    assert ab["field_stamps"] == ba["field_stamps"] and ab["updated_at"] == ba["updated_at"]
    for column in ("title", "description"):
        # Identical stamps with different values cannot happen (one device, one instant, one value).
        if a["field_stamps"][column] != b["field_stamps"][column]:
            assert ab[column] == ba[column], column
