"""Bar charts drawn on the server as inline SVG (no script, no chart library, no CDN).

Only presentation attributes are used (no style attributes), so the console's Content Security
Policy needs no 'unsafe-inline'. Labels are escaped: township names come from a data file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#2f6fb0", "#3c9a5f", "#c0392b", "#d68910")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def bar_chart(
    *, labels: Sequence[str], series: Sequence[Series], title: str, width: int = 720, bar_height: int = 14
) -> Markup:
    """Horizontal grouped bars, one group per label, one bar per series, with the values written."""
    label_width = 150
    value_width = 50
    plot = width - label_width - value_width
    group = bar_height * len(series) + 10
    legend = 24
    height = legend + group * max(1, len(labels)) + 10
    top = max([1, *(value for item in series for value in item.values)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = label_width
    for index, item in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12" fill="#333">{escape(item.name)}</text>')
        x += 24 + 8 * len(item.name) + 20
    if not labels:
        parts.append(f'<text x="{label_width}" y="{legend + 16}" font-size="12" fill="#777">—</text>')
    for row, label in enumerate(labels):
        y = legend + row * group
        parts.append(
            f'<text x="{label_width - 8}" y="{y + group / 2 + 2:.0f}" font-size="12" text-anchor="end"'
            f' fill="#333">{escape(label)}</text>'
        )
        for index, item in enumerate(series):
            value = item.values[row] if row < len(item.values) else 0
            length = plot * value / top
            bar_y = y + index * bar_height
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{label_width}" y="{bar_y}" width="{length:.1f}" height="{bar_height - 2}"'
                f' fill="{colour}"><title>{escape(item.name)}: {value}</title></rect>'
            )
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{bar_y + bar_height - 4}" font-size="11"'
                f' fill="#333">{value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
