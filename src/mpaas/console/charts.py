"""An inline SVG bar chart for the console (no JavaScript, no chart library): one bar per day."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 620, 180, 24


def human(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def bars(days: list[tuple[int, int]]) -> Markup:
    """`days`: (day of month, bytes). Scales to the largest day; each bar has a <title> for its value, and the
    whole chart a text alternative (role=img with aria-label), the table beside it being the accessible data."""
    top = max((v for _, v in days), default=0)
    peak = top or 1
    slot = (WIDTH - 2 * PAD) / max(len(days), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Data used per day, peak {escape(human(top))}" preserveAspectRatio="xMinYMin meet">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
    ]
    for i, (day, value) in enumerate(days):
        h = (HEIGHT - 2 * PAD) * value / peak
        x = PAD + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>day {day}: {escape(human(value))}</title></rect>"
        )
        if day == 1 or day % 5 == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}">{day}</text>')
    parts.append(f'<text x="{PAD}" y="14">{escape(human(top))}</text></svg>')
    return Markup("".join(parts))
