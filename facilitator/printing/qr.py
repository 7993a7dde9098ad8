"""QR codes: the only module that makes them, for screens and for print alike."""

from __future__ import annotations

import base64
from functools import lru_cache

import qrcode
from markupsafe import Markup, escape

# Q restores a quarter of the code: posters get creased, taped over and photocopied grey.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_matrix(url: str) -> list[list[bool]]:
    """Dark (True) and light modules, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


@lru_cache(maxsize=64)
def qr_svg(url: str) -> Markup:
    """The code as inline SVG that scales to its box; runs of dark modules are merged into one path.

    Merged runs keep the file small and leave no hairline seams between modules at any zoom.
    """
    matrix = qr_matrix(url)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    label = escape(f"QR code for {url}")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{label}" '
        f'class="qr" shape-rendering="crispEdges"><title>{label}</title>'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_data_uri(url: str) -> str:
    """The same SVG as a data: URI, for an <img> tag."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(qr_svg(url)).encode("utf-8")).decode("ascii")
