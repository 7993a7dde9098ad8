"""Where to go after a form: only ever a path on this site, whatever a `next` field carries.

Browsers read URLs more loosely than a string test does (the WHATWG URL parser drops tabs and
newlines anywhere, strips leading control characters and spaces, and reads a backslash as a
slash), so `/\\t/evil.example` is `//evil.example` to a browser. The target is normalised the way
a browser would read it, then decoded (up to three times, for double-encoded payloads) and checked
again, and anything that names a scheme or a host falls back.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# A next path longer than this is not one the app made.
MAX_LENGTH = 2000
_DROPPED_BY_BROWSERS = str.maketrans("", "", "\t\n\r")
_LEADING_TRAILING = "".join(chr(code) for code in range(0x21))  # C0 controls and space


def same_site_path(target: object, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`; never raises."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return fallback
    candidate = _as_a_browser_reads_it(target)
    if candidate is None:
        return fallback
    decoded = candidate
    for _ in range(3):
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            break
        if _as_a_browser_reads_it(decoded) is None:
            return fallback  # an encoded variant of a payload: a later decode must not make it one
    return candidate


def _as_a_browser_reads_it(target: str) -> str | None:
    text = target.translate(_DROPPED_BY_BROWSERS).strip(_LEADING_TRAILING).replace("\\", "/")
    # Control, format (bidirectional overrides, zero-width) and line-separator characters have no
    # place in a path the app made; they hide what a link really says.
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text):
        return None
    if not text.startswith("/") or text.startswith("//"):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme or parts.netloc:
        return None
    return text
