"""Certificate codes: 80 random bits as 16 Crockford base32 characters in four groups
(`7KQ2-M9XD-R4TB-HZ3W`), easy to read aloud and type.

The alphabet leaves out I, L, O and U, so a code never holds a letter that looks like a digit.
`normalise()` forgives what people do when they type one: lower case, spaces, missing or extra
hyphens, and O/I/L typed for 0/1."""

import random
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
GROUPS, GROUP_SIZE = 4, 4
CODE_LENGTH = GROUPS * GROUP_SIZE + GROUPS - 1  # with hyphens
RANDOM_BITS = GROUPS * GROUP_SIZE * 5  # 80

_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
_VALID = re.compile(f"[{ALPHABET}]{{{GROUPS * GROUP_SIZE}}}")


_SYSTEM_RANDOM = secrets.SystemRandom()


def code_generate(rng: random.Random = _SYSTEM_RANDOM) -> str:
    """A new random code. Pass a seeded `random.Random` only for demo data."""
    chars = "".join(rng.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return _group(chars)


def normalise(text: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be a code."""
    chars = _SEPARATORS.sub("", (text or "")[:64]).upper().translate(_CONFUSABLE)
    if not _VALID.fullmatch(chars):
        return None
    return _group(chars)


def _group(chars: str) -> str:
    return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))
