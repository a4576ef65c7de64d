"""NAF rules of a college: an entry is a section letter ("J") or a code prefix ("62", "62.01Z")."""

from __future__ import annotations

import re

# NAF rév. 2 sections and the divisions (first two digits) each one covers (INSEE).
NAF_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip
_NAF_CODE = re.compile(r"^\d{2}(\.\d{1,2}[A-Z]?)?$")


def normalise_naf(entry: str) -> str:
    """A college's entry as stored: "j" → "J", "6201z" → "62.01Z", "62" stays; "" when it is
    neither a NAF section nor a code."""
    text = entry.strip().upper().replace(" ", "")
    if len(text) == 1:
        return text if text in NAF_SECTIONS else ""
    if re.fullmatch(r"\d{3,4}[A-Z]?", text):
        text = f"{text[:2]}.{text[2:]}"
    return text if _NAF_CODE.match(text) else ""


def naf_matches(naf_code: str, prefix: str) -> bool:
    """Whether an organisation's NAF code ("62.01Z") falls under a college's entry: a section
    letter ("J": divisions 58–63) or a code prefix ("62", "62.01")."""
    if not naf_code:
        return False
    section = NAF_SECTIONS.get(prefix)
    if section is not None:
        return naf_code[:2].isdigit() and section[0] <= int(naf_code[:2]) <= section[1]
    return naf_code.startswith(prefix)
