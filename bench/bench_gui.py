"""The desktop's two felt numbers on a 100,000-lesson mirror: cold start and search as you type.

Cold start: a fresh process per run, from spawn to the main window shown and its event loop turning (the child
prints the wall-clock moment after its first event-loop pass). Beside it, in the same run:
- the plain way: a window whose QStandardItemModel is filled with every lesson row before it shows;
- the limit: a bare QMainWindow shown by a process that imports PySide6 and nothing of ours.

Search as you type: in one process, the real app on the same mirror; keystrokes go into the search box through
QTest and the clock stops when the list shows the new first page (`sig_page`). Every keystroke searches; while
a search is on its way, later keys only mark it stale and the newest filter is asked for when it answers. Beside it:
the plain way (a `LIKE '%term%'` query loading every match into a QStandardItemModel on the GUI thread) and
the limit (a bare `SELECT ... LIMIT 200` with a model reset).

Run: `python -m bench.bench_gui [--rows 100000] [--starts 5]`. Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import ratio, write_section

ROOT = Path(__file__).resolve().parents[1]

PLAIN_CHILD = r"""
import sqlite3, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT lesson_code, title, lesson_type, difficulty_level, published_at, updated_at"
                    " FROM lessons WHERE deleted_at IS NULL ORDER BY title COLLATE NOCASE").fetchall()
model = QStandardItemModel(len(rows), 6)
for r, row in enumerate(rows):
    for c, v in enumerate(row):
        model.setData(model.index(r, c), "" if v is None else str(v))
window = QMainWindow(); view = QTableView(); view.setModel(model); window.setCentralWidget(view)
window.resize(1100, 720); window.show()
QTimer.singleShot(0, lambda: (print("shown", time.time(), flush=True), app.quit()))
app.exec()
"""

LIMIT_CHILD = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow(); window.resize(1100, 720); window.show()
QTimer.singleShot(0, lambda: (print("shown", time.time(), flush=True), app.quit()))
app.exec()
"""


def child_env(data_dir: Path, config_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "TUTORDESK_DATA_DIR": str(data_dir),
        "TUTORDESK_CONFIG_DIR": str(config_dir),
        "TUTORDESK_EXIT_AFTER_SHOW": "1",
        "PYTHONPATH": str(ROOT),
    }


def time_start(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to each moment the child reports ("shown"; ours also "listed": first page in, and
    "checked": the mirror's whole-file check answered, so sync may start)."""
    began = time.time()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    moments = {
        line.split()[0]: float(line.split()[1]) - began
        for line in done.stdout.splitlines()
        if line.startswith(("shown ", "listed ", "checked "))
    }
    if "shown" not in moments:
        raise RuntimeError(f"the child never showed its window: {done.stderr[-500:]}")
    return moments


def build_mirror(data_dir: Path, rows: int) -> Path:
    from bench.bench_search import build
    from localdb.profiles import ProfileStore

    store = ProfileStore(data_dir)
    profile = store.ensure_local()
    store.set_last_used(profile.user_id)
    path = Path(profile.mirror_path)
    if not path.exists():
        print(f"building a mirror of {rows:,} lessons…", file=sys.stderr)
        build(path, rows)
    return path


def measure_starts(data_dir: Path, config_dir: Path, mirror: Path, starts: int) -> dict[str, list[float]]:
    env = child_env(data_dir, config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "tutordesk.toml").write_text("first_run_done = true\n", encoding="utf-8")
    commands = {
        "ours": [sys.executable, "-m", "desktop", "app"],
        "plain": [sys.executable, "-c", PLAIN_CHILD, str(mirror)],
        "limit": [sys.executable, "-c", LIMIT_CHILD],
    }
    results: dict[str, list[float]] = {name: [] for name in [*commands, "ours_listed", "ours_checked"]}
    for _ in range(starts):
        for name, command in commands.items():
            moments = time_start(command, env)
            results[name].append(moments["shown"])
            for moment in ("listed", "checked"):
                if moment in moments:
                    results[f"ours_{moment}"].append(moments[moment])
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


WORDS = ("fraction", "colour", "animal", "weather", "verb", "family", "number", "shape")
PLAIN_SQL = (
    "SELECT lesson_code, title, lesson_type, difficulty_level, published_at, updated_at FROM lessons"
    " WHERE deleted_at IS NULL AND (title LIKE ?1 OR description LIKE ?1"
    " OR id IN (SELECT lesson_id FROM notes WHERE body LIKE ?1)) ORDER BY title COLLATE NOCASE"
)
LIMIT_SQL = "SELECT lesson_code, title, lesson_type, difficulty_level, published_at, updated_at FROM lessons LIMIT 200"


def spin(seconds: float) -> None:
    """Let the event loop run for a while (a bench may wait; a test may not)."""
    from PySide6.QtCore import QCoreApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.001)


def measure_typing(data_dir: Path, mirror: Path) -> dict[str, list[float]]:
    """Keystroke to updated list, in ms: isolated keys, ends of bursts, the plain way and the limit."""
    import sqlite3

    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtTest import QTest

    from desktop.launch import build

    app = build(data_dir)
    app.start()
    while app.sync is None:
        QCoreApplication.processEvents()
    lst = app.lessons_page.list
    loaded: list[tuple[float, str]] = []
    lst.model.sig_page.connect(lambda _n: loaded.append((time.perf_counter(), lst.model.current_filter.text)))

    def until_text(text: str) -> float:
        # Block in the event loop as the app does between keys (a busy processEvents() loop would hold the
        # GIL against the database thread and slow what it measures).
        while not loaded or loaded[-1][1] != text:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return loaded[-1][0]

    results: dict[str, list[float]] = {
        "isolated": [],
        "first_two": [],
        "later_keys": [],
        "burst_end": [],
        "plain": [],
        "limit": [],
    }
    for word in WORDS:
        lst.search.clear()
        spin(0.2)
        QTest.keyClicks(lst.search, word[0])  # one letter does not search (the list would not change)
        spin(0.17)
        for n in range(2, len(word) + 1):
            began = time.perf_counter()
            QTest.keyClicks(lst.search, word[n - 1])
            took = (until_text(word[:n]) - began) * 1000
            results["isolated"].append(took)
            results["first_two" if n == 2 else "later_keys"].append(took)
            spin(0.17)  # a pause, as a person reading the list makes: the next key is an isolated one
        lst.search.clear()
        spin(0.2)
        QTest.keyClicks(lst.search, word[:-1])
        began = time.perf_counter()
        QTest.keyClicks(lst.search, word[-1])
        results["burst_end"].append((until_text(word) - began) * 1000)
    app.shutdown()
    app.window.close()
    conn = sqlite3.connect(mirror)
    results["plain"] = [plain_search(conn, w[:n]) for w in WORDS for n in range(2, len(w) + 1)]
    results["limit"] = [limit_page(conn) for w in WORDS for _n in range(2, len(w) + 1)]
    conn.close()
    return results


def fill_model(rows: list[tuple[object, ...]]) -> object:
    """Every row into a QStandardItemModel, the way a simple app shows a query's answer."""
    from PySide6.QtGui import QStandardItemModel

    model = QStandardItemModel(len(rows), 6)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            # setData, not setItem(QStandardItem): PySide6 6.12 crashes (a refcount bug) on 600k new items.
            model.setData(model.index(r, c), "" if value is None else str(value))
    return model


def plain_search(conn: object, text: str) -> float:
    from PySide6.QtCore import QCoreApplication

    began = time.perf_counter()
    fill_model(conn.execute(PLAIN_SQL, (f"%{text}%",)).fetchall())  # type: ignore[attr-defined]
    QCoreApplication.processEvents()
    return (time.perf_counter() - began) * 1000


def limit_page(conn: object) -> float:
    from PySide6.QtCore import QCoreApplication

    began = time.perf_counter()
    fill_model(conn.execute(LIMIT_SQL).fetchall())  # type: ignore[attr-defined]
    QCoreApplication.processEvents()
    return (time.perf_counter() - began) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="lessons in the mirror (default 100,000)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts per variant (default 5)")
    parser.add_argument("--dir", type=Path, help="keep the mirror here between runs (default: a temp folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        base = args.dir or Path(tmp)
        data_dir, config_dir = base / f"data-{args.rows}", base / f"config-{args.rows}"
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["TUTORDESK_DATA_DIR"], os.environ["TUTORDESK_CONFIG_DIR"] = str(data_dir), str(config_dir)
        mirror = build_mirror(data_dir, args.rows)
        before_load = os.getloadavg()[0]
        starts = measure_starts(data_dir, config_dir, mirror, args.starts)
        typing = measure_typing(data_dir, mirror)
    load = f"Load average {before_load:.1f} before the run, {os.getloadavg()[0]:.1f} after (2 cores)."
    text = report(args.rows, starts, typing, load)
    write_section("gui", text)
    print(text)
    return 0


def report(rows: int, starts: dict[str, list[float]], typing: dict[str, list[float]], load: str) -> str:
    med = {name: statistics.median(values) for name, values in starts.items()}

    def row(label: str, key: str) -> str:
        return f"| {label} | {med[key]:.2f} s | {max(starts[key]):.2f} s |"

    lines = [
        "## Desktop: cold start and search as you type",
        "",
        f"A mirror of {rows:,} lessons (two notes each, planner statistics from `PRAGMA optimize` only, as a",
        f"mirror filled without a first sync has); `python -m bench.bench_gui --rows {rows}`. {load}",
        "",
        f"Cold start, spawn to the window shown and its loop turning (median of {len(starts['ours'])}):",
        "",
        "| variant | median | slowest |",
        "|---|---|---|",
        row(
            "ours: `tutordesk app`, window shown (profile chosen, mirror opened; its whole-file check comes later)",
            "ours",
        ),
        row("ours: the same start, until the list shows its first 200 lessons", "ours_listed"),
        row(
            "ours: the same start, until the mirror's whole-file check answered and sync was started "
            "(in the background; writes wait for it)",
            "ours_checked",
        ),
        row("plain way: every row into a QStandardItemModel before showing", "plain"),
        row("limit: a bare QMainWindow (Python + PySide6 start)", "limit"),
        "",
        f"Ours is {ratio(med['plain'], med['ours'])} faster than the plain way and "
        f"{med['ours'] - med['limit']:.2f} s above the limit. Target: under 1 s to an interactive window.",
        "",
        "Search as you type, keystroke to the list showing the new first page (ms):",
        "",
        "| variant | keystrokes | p50 | p95 |",
        "|---|---|---|---|",
    ]
    names = {
        "isolated": "ours, a key after a pause",
        "burst_end": "ours, the last key of fast typing (the keys before it still on their way)",
        "plain": "plain way: `LIKE '%term%'`, every match into a QStandardItemModel",
        "limit": "limit: bare `SELECT ... LIMIT 200` and a model reset",
    }
    for key, label in names.items():
        values = typing[key]
        lines.append(f"| {label} | {len(values)} | {statistics.median(values):.1f} | {p95(values):.1f} |")
    isolated = p95(typing["isolated"])
    verdict = "meets" if isolated < 50 else "misses"
    lines += [
        "",
        f"A key after a pause: p95 {isolated:.0f} ms, which {verdict} the target of 50 ms. The slowest keys are the",
        "second letter of a word (the first search of a prefix reads pages no search has read yet): "
        f"p50 {statistics.median(typing['first_two']):.0f} ms,",
        f"slowest {max(typing['first_two']):.0f} ms; the keys after it: p50 "
        f"{statistics.median(typing['later_keys']):.0f} ms, p95 {p95(typing['later_keys']):.0f} ms.",
        "",
        "What the start and the search were losing before (0.73 s to",
        "the window, 0.99 s to the list; search p50 89 ms / p95 265 ms): the whole-file `PRAGMA quick_check`",
        "in `Mirror.open` (about 0.65 s here; it now runs on its own thread after the first page, and the",
        "mirror holds back every write until it has answered); without full planner statistics the first",
        "page sorted every live lesson (258 ms) and a search walked every live lesson instead of its hits",
        "(about 50 ms; both queries now fix their plan); a fixed 150 ms trailing debounce (now: every key",
        "searches, with at most one query on its way, the newest wins); and the count queued before the",
        "next key's page (it now runs on a thread of its own once the page is shown). Searching still starts",
        "at the second letter: a one-letter prefix has no prefix index, so the search table alone takes",
        "60-130 ms to merge every word with that letter (up to 98% of this mirror). A two-letter prefix that",
        "matches most lessons (`re`: 89%) walks the title index once it has 20,000 hits instead of sorting",
        "them (about 20 ms instead of 45, bench/bench_search.py); its count (20-30 ms) comes after the page.",
        "Figures move with the machine's load (it is shared); the ratios come from one run.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
