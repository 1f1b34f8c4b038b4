"""The words of the demo school: people, classes, lessons, notes and test items. Data only; `seed` loads it.

The school teaches sign language to young learners, which is what the item types are for: a video to put into
words (vid2text), words to match to a video (text2vid), a picture to name (illustration), pieces to order.
"""

from __future__ import annotations

from typing import Any

ORGANISATION = {"name": "Riverside Primary School", "slug": "riverside-primary", "country": "GB"}

#: (email, password, full name, nickname)
TEACHERS = [
    ("teacher1@demo.school", "demo-teacher-1", "Amina Okafor", "Ms Okafor"),
    ("teacher2@demo.school", "demo-teacher-2", "Daniel Moreau", "Mr Moreau"),
]
ADMIN = ("admin@demo.school", "demo-admin-1", "Grace Whitfield", "Mrs Whitfield")

#: (name, grade, description); class i is taught by teacher i.
CLASSES = [
    ("Year 4 Sunflowers", "4", "Tuesday and Thursday signing club, room 12"),
    ("Year 5 Baobabs", "5", "Monday and Wednesday signing club, library corner"),
]

LEARNER_NAMES = [
    "Kwame Mensah",
    "Lily Chen",
    "Noah Williams",
    "Zara Ahmed",
    "Leo Rossi",
    "Maya Patel",
    "Ethan Brown",
    "Sofia García",
    "Oliver Novak",
    "Aisha Bello",
    "Jacob Wilson",
    "Chloe Martin",
    "Yusuf Demir",
    "Emily Clarke",
    "Tomás Silva",
    "Hana Suzuki",
    "Samuel Osei",
    "Isla Murray",
    "Arjun Nair",
    "Freya Jensen",
]


def learner_email(index: int) -> str:
    return f"learner{index:02d}@demo.school"


def learner_password(index: int) -> str:
    return f"demo-learner-{index:02d}"


def _lesson(  # noqa: PLR0917 (a table row: positional reads best here)
    code: str,
    title: str,
    description: str,
    lesson_type: str,
    level: int,
    notes: list[tuple[str, str]],
    items: dict[str, Any],
) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "description": description,
        "lesson_type": lesson_type,
        "level": level,
        "notes": notes,
        "items": items,
    }


# Each lesson's items: the words it teaches (a video per word; the first is the vid2text answer, the second the
# text2vid one), a picture question (what it shows, then the choices), an ordering question (the right order).
LESSONS = [
    _lesson(
        "GRT-01",
        "Greetings",
        "Say hello, goodbye, please and thank you.",
        "word",
        1,
        [
            ("Warm-up", "Wave and sign HELLO to each learner as they come in. Ask them to sign it back."),
            (
                "Tip for teachers",
                "Keep your hand near your forehead for HELLO; learners often start too low.",
            ),
        ],
        {
            "words": ["hello", "goodbye", "thank you", "please"],
            "picture": ("waving", ["waving", "sleeping", "eating"]),
            "order": ["hello", "my", "name", "is", "Sam"],
        },
    ),
    _lesson(
        "FAM-01",
        "My family",
        "Signs for mother, father, sister, brother and baby.",
        "word",
        1,
        [
            ("Family tree", "Learners draw their family and label each person with the sign they learnt."),
            ("Memory hook", "MOTHER is signed at the chin and FATHER at the forehead: girls low, boys high."),
        ],
        {
            "words": ["mother", "father", "sister", "brother"],
            "picture": ("baby", ["baby", "grandmother", "dog"]),
            "order": ["this", "is", "my", "sister"],
        },
    ),
    _lesson(
        "COL-01",
        "Colours",
        "Red, blue, green, yellow and how to ask 'what colour?'.",
        "word",
        2,
        [
            ("Colour hunt", "Hold up objects from the classroom; the first learner to sign the colour wins."),
            ("Watch out", "GREEN and YELLOW use the same movement with different handshapes."),
        ],
        {
            "words": ["red", "blue", "green", "yellow"],
            "picture": ("rainbow", ["rainbow", "cloud", "moon"]),
            "order": ["what", "colour", "is", "the", "ball"],
        },
    ),
    _lesson(
        "NUM-01",
        "Numbers 1 to 10",
        "Counting on one hand and two, with everyday objects.",
        "word",
        2,
        [
            (
                "Counting game",
                "Learners sign how many pencils are on the table; swap roles after five rounds.",
            ),
            ("Common mistake", "For SIX to NINE the thumb touches a finger; check the palm faces out."),
        ],
        {
            "words": ["one", "three", "seven", "ten"],
            "picture": ("five apples", ["five apples", "two cats", "one bus"]),
            "order": ["I", "have", "two", "brothers"],
        },
    ),
    _lesson(
        "MKT-02",
        "At the market",
        "Asking for food and prices in short sentences.",
        "sentence",
        3,
        [
            ("Role play", "Set up a pretend stall with fruit cards; one learner sells, one buys, then swap."),
            ("Sentence order", "Time and topic first: MARKET TOMORROW I GO reads naturally in sign."),
        ],
        {
            "words": ["banana", "bread", "how much", "money"],
            "picture": ("market stall", ["market stall", "school", "beach"]),
            "order": ["I", "want", "two", "bananas", "please"],
        },
    ),
    _lesson(
        "DAY-02",
        "My day",
        "Tell the story of a school day, from waking up to bedtime.",
        "freestyle",
        3,
        [
            (
                "Story circle",
                "Each learner signs one part of the day; together the class tells the whole day.",
            ),
            (
                "Assessment idea",
                "Film a learner's story (with consent) and watch it back together for feedback.",
            ),
        ],
        {
            "words": ["wake up", "breakfast", "school", "sleep"],
            "picture": ("brushing teeth", ["brushing teeth", "swimming", "reading"]),
            "order": ["after", "school", "I", "play", "football"],
        },
    ),
]

PRACTICE_MODES = ["flashcards", "sign-along", "quiz"]
FEEDBACK = [
    "Clear handshapes today. Slow down a little on two-handed signs.",
    "Great effort! Remember to keep eye contact while signing.",
    "Much better than last week. Practise the movement for the longer words.",
    "Good rhythm. Check your palm orientation on numbers.",
]
