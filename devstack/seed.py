"""`--seed demo`: a small believable school, loaded as the superuser through SQL in one transaction.

One organisation, two teachers, one admin, two classes of ten learners, six lessons with two notes each, one
test per lesson with one item of each of the four types, the videos and pictures those items show, and four
weeks of practice sessions and test attempts. Loading it twice changes nothing: the school is found by its
slug.
"""

from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg

from devstack import demo_content as demo
from devstack.users import create_account, join_class

log = logging.getLogger(__name__)

COUNTED_TABLES = (
    "users",
    "classes",
    "class_members",
    "lessons",
    "notes",
    "tests",
    "tests_content",
    "media_assets",
    "practice_sessions",
    "test_attempts",
)
DAYS_OF_HISTORY = 28


@dataclass
class _School:
    org_id: str
    teachers: list[str] = field(default_factory=list)
    class_ids: list[str] = field(default_factory=list)
    learners: list[tuple[str, int]] = field(default_factory=list)  # (user id, class index)
    lessons: list[tuple[str, int]] = field(default_factory=list)  # (lesson id, class index)
    tests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # test id -> items


def seed_demo(dsn: str, rng_seed: int = 2026) -> dict[str, Any]:
    """Load the demo school unless it is there already; returns its row counts and whether it loaded now."""
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        existing = conn.execute(
            "select id::text from public.organisations where slug = %s", (demo.ORGANISATION["slug"],)
        ).fetchone()
        if existing:
            return {"loaded": False, **count_school(conn, str(existing[0]))}
        rng = random.Random(rng_seed)
        school = _people(conn)
        _lessons(conn, school, rng)
        _practice(conn, school, rng)
        _attempts(conn, school, rng)
        counts = count_school(conn, school.org_id)
    log.info("demo school loaded: %s", counts)
    return {"loaded": True, **counts}


def count_school(conn: psycopg.Connection[Any], org_id: str) -> dict[str, Any]:
    counts: dict[str, Any] = {"organisations": 1}
    for table in COUNTED_TABLES:
        row = conn.execute(
            f"select count(*) from public.{table} where organisation_id = %s", (org_id,)
        ).fetchone()
        counts[table] = int(row[0]) if row else 0
    roles = conn.execute(
        "select role, count(*) from public.users where organisation_id = %s group by role", (org_id,)
    ).fetchall()
    counts["roles"] = {role: int(n) for role, n in roles}
    return counts


def _people(conn: psycopg.Connection[Any]) -> _School:
    org = demo.ORGANISATION
    org_id = str(uuid4())
    conn.execute(
        "insert into public.organisations (id, name, slug, country, settings) values (%s, %s, %s, %s, %s)",
        (org_id, org["name"], org["slug"], org["country"], json.dumps({"week_starts_on": "monday"})),
    )
    school = _School(org_id)
    for email, password, name, nickname in demo.TEACHERS:
        school.teachers.append(
            create_account(conn, org_id, email, password, "teacher", full_name=name, nickname=nickname)
        )
    email, password, name, nickname = demo.ADMIN
    create_account(conn, org_id, email, password, "admin", full_name=name, nickname=nickname)
    for (class_name, grade, description), teacher in zip(demo.CLASSES, school.teachers, strict=True):
        class_id = join_class(conn, org_id, class_name, teacher, "teacher")
        conn.execute(
            "update public.classes set grade = %s, description = %s where id = %s",
            (grade, description, class_id),
        )
        school.class_ids.append(class_id)
    per_class = len(demo.LEARNER_NAMES) // len(demo.CLASSES)
    for index, name in enumerate(demo.LEARNER_NAMES, start=1):
        klass = (index - 1) // per_class
        user_id = create_account(
            conn,
            org_id,
            demo.learner_email(index),
            demo.learner_password(index),
            "learner",
            full_name=name,
            nickname=name.split()[0] if len(name.split()[0]) >= 3 else name.replace(" ", ""),
        )
        join_class(conn, org_id, demo.CLASSES[klass][0], user_id, "learner")
        school.learners.append((user_id, klass))
    return school


def _media(conn: psycopg.Connection[Any], org_id: str, owner: str, kind: str, title: str) -> str:
    """A media asset; answers its storage path, the media ref the demo's items use (readable in the editor)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))
    ext, mime = ("mp4", "video/mp4") if kind == "video" else ("png", "image/png")
    path = f"demo/{kind}s/{slug}.{ext}"
    conn.execute(
        "insert into public.media_assets (id, organisation_id, owner_id, kind, storage_path, mime_type,"
        " size_bytes, checksum, title) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (str(uuid4()), org_id, owner, kind, path, mime, 180_000 + 997 * len(slug), None, title),
    )
    return path


def _lessons(conn: psycopg.Connection[Any], school: _School, rng: random.Random) -> None:
    now = datetime.now(UTC)
    per_class = len(demo.LESSONS) // len(school.class_ids)
    for number, lesson in enumerate(demo.LESSONS):
        klass = number // per_class
        author = school.teachers[klass]
        lesson_id = str(uuid4())
        conn.execute(
            "insert into public.lessons (id, organisation_id, author_id, lesson_code, title, description,"
            " lesson_type, difficulty_level, is_active, published_at)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, true, %s)",
            (
                lesson_id,
                school.org_id,
                author,
                lesson["code"],
                lesson["title"],
                lesson["description"],
                lesson["lesson_type"],
                lesson["level"],
                now - timedelta(days=DAYS_OF_HISTORY + 7 - number),
            ),
        )
        for position, (title, body) in enumerate(lesson["notes"], start=1):
            conn.execute(
                "insert into public.notes (id, organisation_id, lesson_id, author_id, position, title, body)"
                " values (%s, %s, %s, %s, %s, %s, %s)",
                (str(uuid4()), school.org_id, lesson_id, author, position, title, body),
            )
        school.lessons.append((lesson_id, klass))
        _test(conn, school=school, lesson=lesson, lesson_id=lesson_id, author=author, rng=rng)


def _test(
    conn: psycopg.Connection[Any],
    *,
    school: _School,
    lesson: dict[str, Any],
    lesson_id: str,
    author: str,
    rng: random.Random,
) -> None:
    test_id = str(uuid4())
    conn.execute(
        "insert into public.tests (id, organisation_id, lesson_id, title, passing_score, time_limit_seconds,"
        " shuffle_items) values (%s, %s, %s, %s, 60, 300, true)",
        (test_id, school.org_id, lesson_id, f"Check: {lesson['title']}"),
    )
    items = _items(conn, school.org_id, author, lesson["items"], rng)
    for sequence, item in enumerate(items, start=1):
        item["id"] = str(uuid4())
        conn.execute(
            "insert into public.tests_content (id, organisation_id, test_id, sequence, test_type,"
            " test_content, test_options, correct_answer) values (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                item["id"],
                school.org_id,
                test_id,
                sequence,
                item["type"],
                json.dumps(item["content"]),
                json.dumps(item["options"]) if item["options"] is not None else None,
                json.dumps(item["answer"]),
            ),
        )
    school.tests[test_id] = items


def _items(
    conn: psycopg.Connection[Any], org_id: str, author: str, spec: dict[str, Any], rng: random.Random
) -> list[dict[str, Any]]:
    """One item of each type, in the shapes of docs/data-model.md ("Test item shapes"), which the editor loads
    and localdb grades. Media refs are the assets' storage paths."""
    videos = {word: _media(conn, org_id, author, "video", f"Sign: {word}") for word in spec["words"]}
    picture, labels = spec["picture"]
    image = _media(conn, org_id, author, "image", f"Picture: {picture}")
    first, second = spec["words"][0], spec["words"][1]
    word_choices = list(spec["words"])
    rng.shuffle(word_choices)
    video_choices = [videos[w] for w in spec["words"][1:]]
    rng.shuffle(video_choices)
    picture_choices = list(labels)
    rng.shuffle(picture_choices)
    return [
        {
            "type": "vid2text",
            "content": {"video": videos[first], "prompt": "Which word is signed?"},
            "options": word_choices,
            "answer": first,
        },
        {"type": "text2vid", "content": {"text": second}, "options": video_choices, "answer": videos[second]},
        {
            "type": "illustration",
            "content": {"image": image, "prompt": "What does it show?"},
            "options": picture_choices,
            "answer": picture,
        },
        {
            # The parts are stored in the right order; whoever shows the item mixes them.
            "type": "ordering",
            "content": {"prompt": "Make the sentence."},
            "options": list(spec["order"]),
            "answer": list(spec["order"]),
        },
    ]


def _practice(conn: psycopg.Connection[Any], school: _School, rng: random.Random) -> None:
    now = datetime.now(UTC)
    rows = []
    for user_id, klass in school.learners:
        lessons = [lesson for lesson, k in school.lessons if k == klass]
        skill = rng.uniform(55, 90)
        for day in sorted(rng.sample(range(1, DAYS_OF_HISTORY + 1), rng.randint(6, 14)), reverse=True):
            started = now - timedelta(days=day, hours=rng.randint(0, 6), minutes=rng.randint(0, 59))
            minutes = rng.randint(5, 25)
            score = round(min(100.0, max(20.0, rng.gauss(skill + (DAYS_OF_HISTORY - day) * 0.4, 8))), 1)
            finished = rng.random() > 0.08  # a few sessions were left unfinished
            seen = rng.randint(8, 20)
            rows.append(
                (
                    str(uuid4()),
                    school.org_id,
                    user_id,
                    rng.choice(lessons),
                    rng.choice(demo.PRACTICE_MODES),
                    score,
                    json.dumps(
                        {
                            "items_seen": seen,
                            "correct": round(seen * score / 100),
                            "hints_used": rng.randint(0, 3),
                        }
                    ),
                    json.dumps({"summary": rng.choice(demo.FEEDBACK)}),
                    started,
                    started + timedelta(minutes=minutes) if finished else None,
                    minutes * 60,
                )
            )
    with conn.cursor() as cur:
        cur.executemany(
            "insert into public.practice_sessions (id, organisation_id, user_id, lesson_id, mode, score,"
            " raw_metrics, feedback, started_at, completed_at, duration_seconds)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def _attempts(conn: psycopg.Connection[Any], school: _School, rng: random.Random) -> None:
    now = datetime.now(UTC)
    lesson_class = dict(school.lessons)
    tests_by_class: dict[int, list[str]] = {}
    for test_id, lesson_id in conn.execute(
        "select id::text, lesson_id::text from public.tests where organisation_id = %s", (school.org_id,)
    ).fetchall():
        tests_by_class.setdefault(lesson_class[lesson_id], []).append(test_id)
    rows = []
    for user_id, klass in school.learners:
        for test_id in rng.sample(tests_by_class[klass], rng.randint(2, 3)):
            items = school.tests[test_id]
            answers = {item["id"]: _answer(item, rng) for item in items}
            score = round(100 * sum(_credit(item, answers[item["id"]]) for item in items) / len(items), 2)
            started = now - timedelta(days=rng.randint(1, DAYS_OF_HISTORY - 1), hours=rng.randint(0, 5))
            rows.append(
                (
                    str(uuid4()),
                    school.org_id,
                    test_id,
                    user_id,
                    json.dumps(answers),
                    score,
                    score >= 60,
                    started,
                    started + timedelta(seconds=rng.randint(90, 290)),
                )
            )
    with conn.cursor() as cur:
        cur.executemany(
            "insert into public.test_attempts (id, organisation_id, test_id, user_id, answers, score, passed,"
            " started_at, completed_at) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def _answer(item: dict[str, Any], rng: random.Random) -> Any:
    """A learner's answer: usually right, sometimes a believable mistake (another choice, two parts swapped)."""
    if rng.random() < 0.72:
        return item["answer"]
    if item["type"] == "ordering":
        wrong = list(item["answer"])
        wrong[0], wrong[-1] = wrong[-1], wrong[0]
        return wrong
    return rng.choice([choice for choice in item["options"] if choice != item["answer"]])


def _credit(item: dict[str, Any], answer: Any) -> float:
    """The credit localdb's grading gives (the seed imports nothing of the app): ordering earns the share of
    parts in the right place, the other types all or nothing (the demo's answers are exact choices)."""
    if item["type"] == "ordering":
        right = item["answer"]
        return sum(1 for i, part in enumerate(right) if i < len(answer) and answer[i] == part) / len(right)
    return 1.0 if answer == item["answer"] else 0.0
