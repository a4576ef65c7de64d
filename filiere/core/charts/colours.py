"""Colours of the charts. Every colour a text or a line is drawn in has a contrast of at least
4.5:1 on white (WCAG 1.4.3 and 1.4.11), checked by the tests with `contrast_ratio`; series also
differ by dash and marker shape, never by colour only."""

from __future__ import annotations

ACTUAL_COLOUR = "#000091"  # DSFR "bleu France", 14.8:1 on white
TARGET_COLOUR = "#a33b00"  # 6.6:1 on white
BASELINE_COLOUR = "#555555"  # 7.5:1 on white
GRID_COLOUR = "#dddddd"
AXIS_COLOUR = "#666666"  # 5.7:1: the axes are "graphical objects" and need 3:1
TEXT_COLOUR = "#333333"
# Distinct hues, each ≥ 4.5:1 on white (checked by the tests with `contrast_ratio`).
PALETTE = ("#000091", "#a33b00", "#18753c", "#6e445a", "#3a3a3a", "#7a5b00", "#0b6ba8", "#b3124e")
#: Okabe-Ito hues (colour-blind safe) darkened to reach 4.5:1 on white: the yearly line charts.
OKABE_ITO = ("#000091", "#a33b00", "#006b4f", "#8a3a74", "#4d4d4d", "#0b5c8a")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio between two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
