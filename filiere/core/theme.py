"""The region's colours as CSS custom properties (served by `core:theme_css`).

A region sets one colour (`SITE_PRIMARY_COLOR`); text drawn in it or on it must still reach the
RGAA contrast ratio (4.5:1, criterion 3.2), so a colour too light for links on white is darkened
step by step until it does, and text on a filled button is white or near-black, whichever
contrasts more.
"""

from __future__ import annotations

MIN_CONTRAST = 4.5
INK = "#161616"


def _channels(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in channels)


def luminance(color: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2 definition)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(color: str, other: str, weight: float) -> str:
    """`color` blended with `other`; weight 0 keeps `color`, 1 gives `other`."""
    return _hex(
        tuple(c + (o - c) * weight for c, o in zip(_channels(color), _channels(other), strict=True))  # type: ignore[arg-type]
    )


def readable_on_white(color: str) -> str:
    """`color`, darkened by steps of 5 % towards black until it contrasts 4.5:1 with white."""
    shade, step = color.lower(), 0
    while contrast(shade, "#ffffff") < MIN_CONTRAST and step < 20:
        step += 1
        shade = mix(color.lower(), "#000000", step * 0.05)
    return shade


def theme_properties(primary: str) -> dict[str, str]:
    """The custom properties filiere.css reads, computed from the region's colour."""
    accent = readable_on_white(primary)
    on_accent = "#ffffff" if contrast(accent, "#ffffff") >= contrast(accent, INK) else INK
    return {
        "--brand": primary.lower(),
        "--accent": accent,
        "--accent-hover": mix(accent, "#000000", 0.2),
        "--on-accent": on_accent,
        "--soft": mix(primary.lower(), "#ffffff", 0.94),
        "--soft-strong": mix(primary.lower(), "#ffffff", 0.85),
    }


def theme_css(primary: str) -> str:
    lines = [f"  {name}: {value};" for name, value in theme_properties(primary).items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"
