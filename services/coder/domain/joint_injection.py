"""Joint injections and aspirations, sized by the joint the words name (CPT 20600-20611)."""

from __future__ import annotations

import re

SMALL, INTERMEDIATE, MAJOR, MAJOR_GUIDED = "20600", "20605", "20610", "20611"
SIZED = frozenset({SMALL, INTERMEDIATE, MAJOR})
# CPT 20600-20611 descriptors and their examples: small (fingers, toes), intermediate
# (temporomandibular, acromioclavicular, wrist, elbow, ankle, olecranon bursa), major
# (shoulder, hip, knee, subacromial bursa)
_SIZES = {
    "finger": SMALL, "toe": SMALL, "thumb": SMALL, "mcp": SMALL, "pip": SMALL, "dip": SMALL,
    "mtp": SMALL, "metacarpophalangeal": SMALL, "metatarsophalangeal": SMALL,
    "interphalangeal": SMALL, "wrist": INTERMEDIATE, "radiocarpal": INTERMEDIATE,
    "elbow": INTERMEDIATE, "ankle": INTERMEDIATE, "tibiotalar": INTERMEDIATE,
    "acromioclavicular": INTERMEDIATE, "ac joint": INTERMEDIATE, "olecranon": INTERMEDIATE,
    "temporomandibular": INTERMEDIATE, "tmj": INTERMEDIATE, "knee": MAJOR, "shoulder": MAJOR,
    "hip": MAJOR, "subacromial": MAJOR, "glenohumeral": MAJOR, "trochanteric": MAJOR,
}  # fmt: skip
_JOINT_WORDS = "|".join(sorted(_SIZES, key=len, reverse=True))
_JOINT = re.compile(rf"\b({_JOINT_WORDS})s?\b", re.I)
_GUIDED = re.compile(r"(?<!no )(?<!without )ultrasound[- ]guid|under\s+(?:real-time\s+)?ultrasound",
                     re.I)  # fmt: skip


def sized_joint(code: str, sentence: str, at: int) -> str:
    """The joint code for the joint named nearest the service's words in their sentence
    (`at`: where the words start in it); a major joint with ultrasound guidance is 20611
    (CPT: with permanent recording and reporting). No joint named keeps `code`."""
    if code not in SIZED:
        return code
    joints = [(abs(m.start() - at), m.start() > at, m) for m in _JOINT.finditer(sentence)]
    if joints:
        code = _SIZES[min(joints, key=lambda j: (j[0], j[1]))[2].group(1).lower()]
    if code == MAJOR and _GUIDED.search(sentence):
        return MAJOR_GUIDED
    return code


# "Aspirated 30 mL of straw-colored fluid from the right knee": an aspiration told with
# the joint after it
ASPIRATED = re.compile(
    r"\baspirat(?:ed|ing|ion)\b[^.;\n]{0,60}?\b(?:from|of)\s+(?:the\s+)?"
    rf"(?:left\s+|right\s+|bilateral\s+)?(?P<joint>{_JOINT_WORDS})s?\b",
    re.I,
)


def aspirated_joint(joint: str) -> str:
    """The joint code for a joint word ASPIRATED found."""
    return _SIZES[joint.lower()]


# the words that name one joint (or its bursa) in other terms
_SAME_JOINT = {
    "radiocarpal": "wrist", "tibiotalar": "ankle", "glenohumeral": "shoulder",
    "subacromial": "shoulder", "olecranon": "elbow", "temporomandibular": "tmj",
    "trochanteric": "hip",
}  # fmt: skip
_SIDED_JOINT = re.compile(rf"\b(?:(left|right)\s+)?({_JOINT_WORDS})s?\b", re.I)


def several_joints(sentence: str) -> list[tuple[str, str | None]]:
    """The joints of one sentence that names two or more different joints ("right knee and
    left shoulder injections"): (code by the joint's size, side) for each, once; empty when
    it names one joint (on one side or both)."""
    named: dict[tuple[str, str | None], str] = {}
    for match in _SIDED_JOINT.finditer(sentence):
        side = match.group(1).lower() if match.group(1) else None
        word = match.group(2).lower()
        joint = _SAME_JOINT.get(word, word)
        if side is None and any(j == joint for j, _ in named):
            continue  # "right radiocarpal (wrist)": the joint named again
        named.setdefault((joint, side), _SIZES[word])
    if len({joint for joint, _ in named}) < 2:
        return []
    return [(code, side) for (_, side), code in named.items()]
