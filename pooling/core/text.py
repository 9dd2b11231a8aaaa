"""Text typed by people: what may be stored (no control characters outside line breaks and tabs)."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

# Line breaks and tabs belong in multi-line text (descriptions, reasons); nowhere else.
LINE_CHARACTERS = frozenset("\n\r\t")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (NUL, escape, DEL...) or a lone surrogate.

    Such characters cannot be stored in PostgreSQL (NUL, surrogates) or would garble pages,
    exports and mails. With ``multiline``, line breaks and tabs are allowed.
    """
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cs"):
            if multiline and character in LINE_CHARACTERS:
                continue
            return True
    return False


def control_characters_message(*, multiline: bool = False):
    """The translated message for text refused by ``has_control_characters``."""
    if multiline:
        return _l("The text contains a control character; only line breaks and tabs are allowed.")
    return _l("The text contains a control character (such as a line break); write it on one line.")


class PlainText:
    """WTForms validator: refuses control characters (line breaks too, unless ``multiline``)."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline
        self.field_flags = {}

    def __call__(self, form, field) -> None:

        data = field.data
        if isinstance(data, str) and has_control_characters(data, multiline=self.multiline):
            raise ValidationError(str(control_characters_message(multiline=self.multiline)))
