"""Charts as server-rendered SVG: no JavaScript, readable in greyscale and on a photocopy.

Every bar carries its number as text, so nothing depends on colour; each chart has a <title>
that says in words what it shows, for screen readers. Sizes are in viewBox units and the SVG
scales to its container.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from .results import Bar

INK = "#1f2a2e"
BAR = "#2f5d62"  # dark enough to print as a solid grey
TRACK = "#e4e7e2"
SOFT = "#4a5a60"
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart {css_class}" '
        f'role="img" aria-label="{label}" {FONT}><title>{label}</title>{"".join(body)}</svg>'
    )


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def column_chart(bars: Sequence[Bar], low: str = "", high: str = "", prompt: str = "") -> Markup:
    """A scale's answers: one column per point of the scale, the count above it, the ends named below."""
    width, top, base, column = 560, 24, 170, 560 / max(len(bars), 1)
    peak = max((bar.count for bar in bars), default=0) or 1
    body = [f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{INK}" stroke-width="1.5"/>']
    for index, bar in enumerate(bars):
        x = index * column + column * 0.15
        w = column * 0.7
        h = (base - top) * bar.count / peak
        body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        middle = x + w / 2
        body.append(f'<text x="{middle:.1f}" y="{base - h - 6:.1f}" text-anchor="middle" font-size="15" fill="{INK}">{bar.count}</text>')
        body.append(f'<text x="{middle:.1f}" y="{base + 20}" text-anchor="middle" font-size="15" font-weight="bold" fill="{INK}">{escape(bar.label)}</text>')
    height = base + 30
    if low or high:
        height += 22
        body.append(f'<text x="0" y="{base + 46}" font-size="14" fill="{SOFT}">{escape(bars[0].label)} = {escape(low)}</text>')
        body.append(f'<text x="{width}" y="{base + 46}" text-anchor="end" font-size="14" fill="{SOFT}">{escape(bars[-1].label)} = {escape(high)}</text>')
    summary = "; ".join(f"{bar.label}: {_people(bar.count)}" for bar in bars)
    return _svg(width, height, f"{prompt} {summary}".strip(), body, "column-chart")


def bar_chart(bars: Sequence[Bar], prompt: str = "") -> Markup:
    """Choices or core feelings: the label on its own line, then a bar with the count and share."""
    width, row, label_room = 560, 48, 20
    peak = max((bar.count for bar in bars), default=0) or 1
    body = []
    for index, bar in enumerate(bars):
        y = index * row
        w = (width - 90) * bar.count / peak
        body.append(f'<text x="0" y="{y + 15}" font-size="15" fill="{INK}">{escape(bar.label)}</text>')
        body.append(f'<rect x="0" y="{y + label_room}" width="{width - 90}" height="18" fill="{TRACK}"/>')
        body.append(f'<rect x="0" y="{y + label_room}" width="{w:.1f}" height="18" fill="{BAR}"/>')
        body.append(
            f'<text x="{width}" y="{y + label_room + 14}" text-anchor="end" font-size="15" font-weight="bold" '
            f'fill="{INK}">{bar.count} · {round(bar.share * 100)}%</text>'
        )
    summary = "; ".join(f"{bar.label}: {_people(bar.count)}" for bar in bars)
    return _svg(width, max(len(bars), 1) * row, f"{prompt} {summary}".strip(), body, "bar-chart")


def word_cloud(words: Sequence[tuple[str, int]], prompt: str = "", limit: int = 40) -> Markup:
    """Words sized by how often they were given, laid out in centred lines, most used first.

    Size and weight carry the ranking, so it reads in greyscale; the ranked list beside it on
    the page gives the exact numbers.
    """
    words = list(words)[:limit]
    width, gap = 600, 14
    if not words:
        return _svg(width, 40, prompt, [], "word-cloud")
    peak = words[0][1]
    lines: list[list[tuple[str, float, float]]] = [[]]
    line_width = 0.0
    for word, count in words:
        size = 16 + 30 * math.sqrt(count / peak)
        w = len(word) * size * 0.56
        if lines[-1] and line_width + gap + w > width:
            lines.append([])
            line_width = 0.0
        line_width += (gap if lines[-1] else 0) + w
        lines[-1].append((word, size, w))
    body, y = [], 0.0
    for line in lines:
        tallest = max(size for _, size, _ in line)
        y += tallest * 1.15
        x = (width - sum(w for _, _, w in line) - gap * (len(line) - 1)) / 2
        for word, size, w in line:
            weight = "bold" if size > 34 else "normal"
            fill = INK if size > 24 else SOFT
            body.append(
                f'<text x="{x + w / 2:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{size:.0f}" '
                f'font-weight="{weight}" fill="{fill}">{escape(word)}</text>'
            )
            x += w + gap
    summary = ", ".join(f"{word} ({count})" for word, count in words)
    return _svg(width, int(y + 12), f"{prompt} {summary}".strip(), body, "word-cloud")


def trend_chart(points: Sequence[tuple[str, float | None]], low: float, high: float, title: str = "") -> Markup:
    """A value week by week: a dot with its number for each week, joined where weeks follow on.

    A week without enough answers shows a dash, not a dot, and breaks the line.
    """
    # Room for half of the first and last week labels and for the top value's number: a label
    # centred on the last point must not run past the edge ("Week 3" was clipped).
    labels = [label for label, _ in points] or [""]
    width, top, base = 560, 34, 180
    left = max(36, _text_width(labels[0], 14) / 2 + 4)
    right = max(20, _text_width(labels[-1], 14) / 2 + 4, _text_width(_number(high), 15) / 2 + 4)
    step = (width - left - right) / max(len(points) - 1, 1)
    span = (high - low) or 1
    body = [
        f'<line x1="{left:.1f}" y1="{base}" x2="{width}" y2="{base}" stroke="{INK}" stroke-width="1.5"/>',
        f'<text x="{left - 6:.1f}" y="{base + 5}" text-anchor="end" font-size="13" fill="{SOFT}">{_number(low)}</text>',
        f'<text x="{left - 6:.1f}" y="{top + 5}" text-anchor="end" font-size="13" fill="{SOFT}">{_number(high)}</text>',
        f'<line x1="{left:.1f}" y1="{top}" x2="{width}" y2="{top}" stroke="{TRACK}" stroke-width="1"/>',
    ]
    previous = None
    for index, (label, value) in enumerate(points):
        x = left + index * step if len(points) > 1 else (left + width - right) / 2
        body.append(f'<text x="{x:.1f}" y="{base + 22}" text-anchor="middle" font-size="14" fill="{INK}">{escape(label)}</text>')
        if value is None:
            body.append(f'<text x="{x:.1f}" y="{base - 8}" text-anchor="middle" font-size="16" fill="{SOFT}">–</text>')
            previous = None
            continue
        y = base - (base - top) * (value - low) / span
        if previous:
            body.append(f'<line x1="{previous[0]:.1f}" y1="{previous[1]:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{BAR}" stroke-width="3"/>')
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{BAR}"/>')
        body.append(f'<text x="{x:.1f}" y="{y - 12:.1f}" text-anchor="middle" font-size="15" font-weight="bold" fill="{INK}">{_number(value)}</text>')
        previous = (x, y)
    summary = "; ".join(f"{label}: {'too few answers' if value is None else _number(value)}" for label, value in points)
    return _svg(width, base + 32, f"{title} {summary}".strip(), body, "trend-chart")


def _text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in a sans-serif at `size` (SVG has no text metrics here)."""
    return len(text) * size * 0.62


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


START = "#b9cbc7"  # a light grey on a photocopy, beside the dark END bars


def paired_column_chart(
    points: Sequence[str],
    before: Sequence[int],
    after: Sequence[int],
    names: tuple[str, str],
    low: str = "",
    high: str = "",
    title: str = "",
) -> Markup:
    """Two weeks' answers to one scale, side by side per point: light for the first week, dark for
    the second, each column with its count written above it and a key naming both weeks.

    Two groups are drawn, not people: nothing here pairs anyone's answers.
    """
    width, top, base = 560, 58, 200
    group = width / max(len(points), 1)
    bar = group * 0.34
    size = 15 if len(points) <= 6 else 12
    peak = max([*before, *after, 1])
    body = [
        f'<rect x="0" y="4" width="18" height="18" fill="{START}" stroke="{INK}" stroke-width="1"/>',
        f'<text x="26" y="19" font-size="15" fill="{INK}">{escape(names[0])}</text>',
        f'<rect x="{_text_width(names[0], 15) + 50:.1f}" y="4" width="18" height="18" fill="{BAR}"/>',
        f'<text x="{_text_width(names[0], 15) + 76:.1f}" y="19" font-size="15" fill="{INK}">{escape(names[1])}</text>',
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{INK}" stroke-width="1.5"/>',
    ]
    for index, label in enumerate(points):
        middle = index * group + group / 2
        for count, x, fill, stroke in (
            (before[index], middle - bar - 2, START, f' stroke="{INK}" stroke-width="1"'),
            (after[index], middle + 2, BAR, ""),
        ):
            h = (base - top) * count / peak
            if count:
                body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}"{stroke}/>')
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{base - h - 6:.1f}" text-anchor="middle" font-size="{size}" fill="{INK}">{count}</text>'
            )
        body.append(
            f'<text x="{middle:.1f}" y="{base + 20}" text-anchor="middle" font-size="15" font-weight="bold" fill="{INK}">{escape(label)}</text>'
        )
    height = base + 30
    if low or high:
        height += 22
        body.append(f'<text x="0" y="{base + 46}" font-size="14" fill="{SOFT}">{escape(points[0])} = {escape(low)}</text>')
        body.append(f'<text x="{width}" y="{base + 46}" text-anchor="end" font-size="14" fill="{SOFT}">{escape(points[-1])} = {escape(high)}</text>')
    summary = " ".join(
        f"{name}: " + "; ".join(f"{label}: {_people(count)}" for label, count in zip(points, counts)) + "."
        for name, counts in zip(names, (before, after))
    )
    return _svg(width, height, f"{title} {summary}".strip(), body, "start-end-chart")
