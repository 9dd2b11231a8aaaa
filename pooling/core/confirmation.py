"""Ask before destroying: a destructive button's request is carried out only once confirmed.

In the browser, ``static/js/app.js`` asks in a dialog (forms marked ``data-confirm``) and
sends ``confirmed=1``; without JavaScript, or for any request that lacks it, the view answers
with a page that asks the same question and sends the same fields again, confirmed.
"""

from __future__ import annotations

from flask import render_template, request

from pooling.core.urls import is_safe_next

CONFIRMED_FIELD = "confirmed"


def is_confirmed() -> bool:
    """Whether the submitted form says the person accepted the confirmation."""
    return request.form.get(CONFIRMED_FIELD) == "1"


def ask(
    question: str,
    *,
    button: str,
    back: str,
    warning: str | None = None,
    details: list[str] | None = None,
) -> str:
    """The confirmation page: ``question``, an optional ``warning``, and two ways out.

    ``button`` sends the same form again (same address, same fields, a fresh CSRF token) with
    ``confirmed=1``; ``back`` is where "Go back" leads (a ``next`` field of the form wins when
    it is a local path). Nothing has been changed when this page is shown.
    """
    fields = [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", CONFIRMED_FIELD)
        for value in values
    ]
    target = request.form.get("next")
    return render_template(
        "confirm.html",
        question=question,
        warning=warning,
        details=details or [],
        button=button,
        action=request.path,
        fields=fields,
        back=target if is_safe_next(target) else back,
    )
