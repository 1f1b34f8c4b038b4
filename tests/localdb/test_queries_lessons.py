"""The lessons list (filters, search as you type, sort, paging, trash) and one lesson with notes and tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localdb import queries, queries_lessons, repo
from localdb.queries import LessonFilter
from tests.localdb.test_repo_factories import make_lesson, make_profile, make_test, open_mirror


def titles(conn: sqlite3.Connection, flt: LessonFilter | None = None, **page: int) -> list[str]:
    return [row.title for row in queries.list_lessons(conn, flt, **page)]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path) as connection:
        yield connection


def test_deleted_lessons_are_only_in_the_trash(conn: sqlite3.Connection) -> None:
    make_lesson(conn, title="Kept")
    gone = make_lesson(conn, title="Gone")
    repo.delete_lesson(conn, lesson_id=gone)
    assert titles(conn) == ["Kept"]
    assert titles(conn, LessonFilter(trash=True)) == ["Gone"]
    assert queries.count_lessons(conn) == 1
    assert queries.count_lessons(conn, LessonFilter(trash=True)) == 1
    assert titles(conn, LessonFilter(search="gone")) == []
    assert titles(conn, LessonFilter(search="gone", trash=True)) == ["Gone"]


def test_filters_by_type_difficulty_active_published_and_organisation(conn: sqlite3.Connection) -> None:
    make_lesson(conn, title="A", lesson_type="word", difficulty_level=1)
    b = make_lesson(conn, title="B", lesson_type="sentence", difficulty_level=3, is_active=False)
    c = make_lesson(conn, title="C", lesson_type="sentence", difficulty_level=3)
    make_lesson(conn, title="D", organisation_id="00000000-0000-4000-8000-0000000000aa", author_id=None)
    repo.publish_lesson(conn, lesson_id=c)
    assert titles(conn, LessonFilter(lesson_type="sentence")) == ["B", "C"]
    assert titles(conn, LessonFilter(difficulty_level=3, active=True)) == ["C"]
    assert titles(conn, LessonFilter(active=False)) == ["B"]
    assert titles(conn, LessonFilter(published=True)) == ["C"]
    assert titles(conn, LessonFilter(published=False, lesson_type="sentence")) == ["B"]
    own = make_profile(conn).organisation_id
    assert titles(conn, LessonFilter(organisation_id=own)) == ["A", "B", "C"]
    assert queries.count_lessons(conn, LessonFilter(lesson_type="sentence", active=True)) == 1
    row = queries.list_lessons(conn, LessonFilter(published=True))[0]
    assert (row.id, row.is_active, row.published_at is not None) == (c, True, True)
    assert queries.list_lessons(conn, LessonFilter(active=False))[0].id == b


def test_search_finds_prefixes_of_words_in_title_description_and_notes(conn: sqlite3.Connection) -> None:
    make_lesson(conn, title="Fractions and decimals")
    make_lesson(conn, title="Greetings", description="Saying hello in the morning")
    noted = make_lesson(conn, title="Colours")
    repo.add_note(conn, lesson_id=noted, author_id=None, body="Red, yellow and turquoise")
    make_lesson(conn, title="Fracción", description="En español")
    for typed in ("f", "fr", "fra", "fract", "fractions"):
        assert "Fractions and decimals" in titles(conn, LessonFilter(search=typed))
    assert titles(conn, LessonFilter(search="fra dec")) == ["Fractions and decimals"]
    assert titles(conn, LessonFilter(search="morn")) == ["Greetings"]
    assert titles(conn, LessonFilter(search="TURQ")) == ["Colours"]
    assert titles(conn, LessonFilter(search="fraccion")) == ["Fracción"]  # accents do not matter
    assert titles(conn, LessonFilter(search="decimals greetings")) == []  # every word must match


def test_search_sees_note_edits_and_note_deletes(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, title="Colours")
    note_id = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="magenta")
    repo.update_note(conn, note_id=note_id, body="vermilion")
    assert titles(conn, LessonFilter(search="magenta")) == []
    assert titles(conn, LessonFilter(search="vermil")) == ["Colours"]
    repo.delete_note(conn, note_id=note_id)
    assert titles(conn, LessonFilter(search="vermil")) == []


@pytest.mark.parametrize(
    "typed",
    ['"', '"fra', "fra\"'", "NOT", "fra NOT", "AND OR", "NEAR(fra", "fra*", "*", "^fra", "title:fra", "(fra",
     "fra)", "-fra", "🙂", "fra 🙂", "\x00fra", "fra\ud800", "+", "fra-ctions", "'; DROP TABLE lessons; --"],
)  # fmt: skip
def test_search_syntax_characters_are_plain_text(conn: sqlite3.Connection, typed: str) -> None:
    make_lesson(conn, title="Fractions")
    found = titles(conn, LessonFilter(search=typed))
    assert found in ([], ["Fractions"])
    assert queries.count_lessons(conn, LessonFilter(search=typed)) == len(found)


def test_text_without_words_means_no_search(conn: sqlite3.Connection) -> None:
    make_lesson(conn, title="Fractions")
    assert queries.fts_query("  🙂 -- ** ") is None
    assert titles(conn, LessonFilter(search=" -- ")) == ["Fractions"]


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path_factory.mktemp("search")) as connection:
        for title in ("Fractions", 'Quotes "and" stars *', "NOT a keyword", "Émoji 🙂 lesson"):
            make_lesson(connection, title=title, description="near(and) OR title:x ^y")
        yield connection


nasty = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec=None, exclude_categories=())),
        st.sampled_from(['"', "*", "^", ":", "(", ")", "NOT", "AND", "OR", "NEAR", "+", "-", "🙂", "\x00"]),
    ),
    max_size=6,
).map(" ".join)


@settings(deadline=None, max_examples=150)
@given(typed=nasty)
def test_any_search_text_never_raises(searchable: sqlite3.Connection, typed: str) -> None:
    rows = queries.list_lessons(searchable, LessonFilter(search=typed), limit=10)
    assert len(rows) <= 4
    assert queries.count_lessons(searchable, LessonFilter(search=typed)) == len(rows)


def test_sort_by_title_ignores_case_and_by_updated_at_newest_first(conn: sqlite3.Connection) -> None:
    b = make_lesson(conn, title="banana")
    make_lesson(conn, title="Apple")
    make_lesson(conn, title="cherry")
    assert titles(conn) == ["Apple", "banana", "cherry"]
    assert titles(conn, LessonFilter(descending=True)) == ["cherry", "banana", "Apple"]
    # Make "banana" the most recent edit: stamps are the corrected clock, so force an order without sleeping.
    conn.execute("UPDATE lessons SET updated_at = '2000-01-01T00:00:00.000000Z' WHERE id != ?", (b,))
    repo.update_lesson(conn, lesson_id=b, description="fresh")
    assert titles(conn, LessonFilter(sort="updated_at", descending=True))[0] == "banana"
    assert titles(conn, LessonFilter(sort="updated_at"))[-1] == "banana"


def test_pages_never_hold_more_than_asked_and_cover_the_list_once(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    for n in range(23):
        make_lesson(conn, title=f"Lesson {n:02d}", organisation_id=profile.organisation_id, author_id=None)
    pages = [titles(conn, limit=5, offset=offset) for offset in range(0, 30, 5)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3, 0]
    assert [t for page in pages for t in page] == [f"Lesson {n:02d}" for n in range(23)]
    assert queries.count_lessons(conn) == 23
    assert titles(conn, limit=0) == []
    assert len(titles(conn, limit=-3)) == 0
    assert titles(conn, limit=2, offset=-9) == ["Lesson 00", "Lesson 01"]


def test_a_page_is_capped_whatever_is_asked(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("localdb.queries_lessons.MAX_PAGE", 4)
    profile = make_profile(conn)
    for n in range(6):
        make_lesson(conn, title=f"L{n}", organisation_id=profile.organisation_id, author_id=None)
    assert len(titles(conn, limit=1000)) == 4


def test_one_lesson_with_notes_by_position_and_tests_with_items_by_sequence(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, title="Animals", description="Farm animals")
    first = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="one")
    second = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="two", title="Second")
    gone = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="gone")
    repo.delete_note(conn, note_id=gone)
    repo.reorder_notes(conn, lesson_id=lesson_id, note_ids=[second, first])
    test_id, items = make_test(conn, lesson_id)
    repo.reorder_test_items(conn, test_id=test_id, item_ids=[items[3], items[0], items[1], items[2]])
    repo.delete_test_item(conn, item_id=items[2])

    detail = queries.get_lesson(conn, lesson_id)
    assert detail is not None
    assert (detail.lesson.title, detail.lesson.description, detail.lesson.is_active) == (
        "Animals",
        "Farm animals",
        True,
    )
    assert [(n.body, n.title) for n in detail.notes] == [("two", "Second"), ("one", None)]
    (test,) = detail.tests
    assert (test.test.title, test.test.passing_score) == ("Quiz", 50)
    assert [i.id for i in test.items] == [items[3], items[0], items[1]]
    assert test.items[0].correct_answer == ["a", "b", "c", "d"]
    assert test.items[2].options == [{"id": "v1"}, {"id": "v2"}]
    assert queries.get_lesson(conn, "00000000-0000-4000-8000-000000000000") is None


def test_a_deleted_lesson_can_still_be_opened_from_the_trash(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, title="Old")
    repo.delete_lesson(conn, lesson_id=lesson_id)
    detail = queries.get_lesson(conn, lesson_id)
    assert detail is not None and detail.lesson.deleted_at is not None


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """37 lessons of every type, difficulty, state and a few title twins, some deleted and some published."""
    with open_mirror(tmp_path_factory.mktemp("varied")) as connection:
        org = make_profile(connection).organisation_id
        for n in range(37):
            lesson_id = make_lesson(
                connection, organisation_id=org, author_id=None,
                title=f"{'Fraction' if n % 3 else 'Greeting'} {n % 7}",
                lesson_type=("word", "sentence", "freestyle")[n % 3], difficulty_level=1 + n % 5,
                is_active=n % 4 != 0,
            )  # fmt: skip
            if n % 5 == 0:
                repo.publish_lesson(connection, lesson_id=lesson_id)
            if n % 6 == 0:
                repo.delete_lesson(connection, lesson_id=lesson_id)
        yield connection


filters = st.builds(
    LessonFilter,
    search=st.sampled_from(["", "fra", "gre", "fraction 3", "zzz"]),
    lesson_type=st.sampled_from([None, "word", "sentence", "freestyle"]),
    difficulty_level=st.sampled_from([None, 1, 3, 5]),
    active=st.sampled_from([None, True, False]),
    published=st.sampled_from([None, True, False]),
    trash=st.booleans(),
    sort=st.sampled_from(["title", "updated_at"]),
    descending=st.booleans(),
)


@settings(deadline=None, max_examples=100)
@given(flt=filters, size=st.integers(1, 9))
def test_pages_of_any_filter_add_up_to_the_count_without_gaps_or_repeats(
    varied: sqlite3.Connection, flt: LessonFilter, size: int
) -> None:
    total = queries.count_lessons(varied, flt)
    pages = [queries.list_lessons(varied, flt, limit=size, offset=o) for o in range(0, total + size, size)]
    assert all(len(p) <= size for p in pages)
    ids = [row.id for page in pages for row in page]
    assert len(ids) == len(set(ids)) == total
    assert ids == [row.id for row in queries.list_lessons(varied, flt, limit=100)]
    assert all((row.deleted_at is not None) == flt.trash for page in pages for row in page)


def test_search_results_come_in_title_order_across_pages(conn: sqlite3.Connection) -> None:
    for title in ("fruit salad", "Fractions", "apple", "French verbs", "frogs"):
        make_lesson(conn, title=title)
    flt = LessonFilter(search="fr")
    pages = [titles(conn, flt, limit=2, offset=offset) for offset in (0, 2, 4)]
    assert pages == [["Fractions", "French verbs"], ["frogs", "fruit salad"], []]


@pytest.mark.parametrize("statistics", ["none", "optimize", "full"])
def test_list_plans_hold_whatever_the_statistics(
    conn: sqlite3.Connection, statistics: str
) -> None:
    """With no or partial statistics the planner walked every live lesson and probed the search hits (5x
    slower at 100,000 lessons), or sorted every live lesson for the first page: the queries fix their plan."""
    for n in range(60):
        make_lesson(conn, title=f"Lesson {n}", description="fractions" if n % 10 == 0 else "other")
    if statistics == "optimize":
        conn.execute("PRAGMA optimize")
    elif statistics == "full":
        conn.execute("ANALYZE")
    for flt in (LessonFilter(search="fra"), LessonFilter(search="fra", lesson_type="word", published=True)):
        from_where, params = queries_lessons._from_where(flt)
        plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT l.id FROM {from_where} ORDER BY l.title", params)
        steps = [str(row[3]) for row in plan]
        assert steps[0].startswith("SCAN lessons_fts VIRTUAL TABLE"), steps
        assert "USING INTEGER PRIMARY KEY" in steps[1], steps
    assert queries.count_lessons(conn, LessonFilter(search="fra")) == 6
    # The unfiltered list walks the title index and stops at the page's end; it never sorts every lesson
    # (258 ms for the first page of 100,000 when it did).
    from_where, params = queries_lessons._from_where(LessonFilter())
    sql = f"SELECT l.id FROM {from_where} ORDER BY {queries_lessons._order(LessonFilter())} LIMIT 50"
    steps = [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert steps == ["SCAN l USING INDEX ix_lessons_title_nocase"], steps


@pytest.mark.parametrize(
    "flt",
    [
        LessonFilter(search="fra"),
        LessonFilter(search="gre", descending=True),
        LessonFilter(search="fraction 3", lesson_type="sentence"),
        LessonFilter(search="gre", trash=True),
        LessonFilter(search="fraction", active=False),
    ],
)
def test_a_dense_search_walking_the_title_index_lists_the_same_pages(
    varied: sqlite3.Connection, flt: LessonFilter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pages() -> list[list[str]]:
        return [[r.id for r in queries.list_lessons(varied, flt, limit=4, offset=o)] for o in range(0, 40, 4)]

    from_hits = pages()
    monkeypatch.setattr(queries_lessons, "DENSE_HITS", 1)  # every search counts as dense: the title walk
    assert queries_lessons._dense_search(varied, flt.search)
    assert pages() == from_hits
    assert any(from_hits)


def test_warming_reads_every_lesson_up_to_the_cap(conn: sqlite3.Connection) -> None:
    for n in range(7):
        make_lesson(conn, title=f"Lesson {n}")
    assert queries_lessons.warm_lessons(conn) == 7
    assert queries_lessons.warm_lessons(conn, max_rows=3) == 3
