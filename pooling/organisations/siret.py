"""SIRET numbers: 14 digits whose Luhn key is valid (La Poste's establishments excepted)."""

from __future__ import annotations

# La Poste's establishments share the SIREN 356000000 and use a digit-sum rule instead.
LA_POSTE_SIREN = "356000000"


def normalise_siret(text: str) -> str:
    """The SIRET without spaces, dots or dashes."""
    return "".join(ch for ch in text if ch not in " .-\u00a0")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_valid(text: str) -> bool:
    """Whether ``text`` is a well-formed SIRET (14 digits with a valid key)."""
    digits = normalise_siret(text)
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_SIREN + "00000":
        return sum(int(c) for c in digits) % 5 == 0
    return luhn_valid(digits)
