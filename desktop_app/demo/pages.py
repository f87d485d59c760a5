"""The demo server's HTML pages: the start page, the Django-style login form, sign-out."""

from __future__ import annotations

from html import escape

LOGIN_ERROR = "The email address and/or password you specified are not correct."

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""


def index_page(*, signed_in_as: str | None, demo_email: str, demo_password: str) -> str:
    """The start page: who is signed in, and the demo account."""
    if signed_in_as is None:
        who = '<p>Not signed in. <a href="/accounts/login/">Sign in</a></p>'
    else:
        who = (
            f'<p>Signed in as {escape(signed_in_as)}. <a href="/accounts/logout/">Sign out</a></p>'
        )
    body = (
        f"{who}\n"
        "<p>This server stands in for the SDM platform so the desktop client can be tried "
        "without it. Its assistant is scripted.</p>\n"
        f"<p>Demo account: <code>{escape(demo_email)}</code> / "
        f"<code>{escape(demo_password)}</code></p>"
    )
    return _PAGE.format(title="SDM demo server", body=body)


def login_page(*, csrf_token: str, next_url: str, error: str | None) -> str:
    """The login form, with the fields of the real one (``login``, ``password``)."""
    error_html = "" if error is None else f'<p class="errorlist">{escape(error)}</p>\n'
    body = (
        f"{error_html}"
        '<form method="post" action="/accounts/login/">\n'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">\n'
        f'<input type="hidden" name="next" value="{escape(next_url)}">\n'
        '<p><label>Email <input type="email" name="login" autocomplete="email"></label></p>\n'
        '<p><label>Password <input type="password" name="password"></label></p>\n'
        '<p><button type="submit">Sign in</button></p>\n'
        "</form>"
    )
    return _PAGE.format(title="Sign in", body=body)


def logout_page(*, csrf_token: str) -> str:
    """allauth's sign-out confirmation: a form that POSTs to ``/accounts/logout/``."""
    body = (
        "<p>Are you sure you want to sign out?</p>\n"
        '<form method="post" action="/accounts/logout/">\n'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">\n'
        '<p><button type="submit">Sign out</button></p>\n'
        "</form>"
    )
    return _PAGE.format(title="Sign out", body=body)
