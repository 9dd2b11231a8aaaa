"""Password hashing with Argon2id, and the shape a new password must have (and why not)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 1024
# The most common passwords of public breach lists that pass the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "123456789a",
        "0123456789",
        "1q2w3e4r5t",
        "qwertyuiop",
        "azertyuiop",
        "motdepasse",
        "motdepasse1",
        "motdepasse123",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "1111111111",
        "0000000000",
        "abcdefghij",
        "azerty1234",
        "azertyuiop1",
        "qwerty1234",
        "soleil1234",
        "bonjour123",
        "changeme123",
        "administrator",
        "welcome123",
    }
)


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False for a person without a password)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused (a rule name), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 3:
        return "too_common"
    return None


def password_message(problem: str) -> str:
    """The translated sentence for a rule ``password_problem`` names."""
    return {
        "too_short": _("The password must have at least 10 characters."),
        "too_long": _("The password is too long."),
        "too_common": _("This password is too common; a short sentence is easier and safer."),
    }[problem]
