"""Charts as inline SVG drawn on the server: no JavaScript, printable, accessible; and the one
number formatter of the platform (`format_number`).

Every chart comes with its text alternative, the data table (`Chart.table`, or a table the page
shows right after), and its SVG carries `role="img"` with a title and a description. The helpers
are generic (core depends on no app): the caller passes every text a person reads, already
translated, so each app keeps its wording in its own catalogue.

- `line_chart`: series of (date or label, value) points, one line each; dates are placed on a
  time axis, labels evenly (`lines`).
- `target_actual_chart`: the usual "targets (dashed) vs measured values (solid)" chart of an
  indicator, with an optional baseline the target path starts from (`lines`).
- `yearly_line_svg`: one value per year and named series (the observatory's series) (`lines`).
- `bar_chart`: horizontal bars (with an optional target mark per bar), e.g. progress of each
  indicator of a plan; `ranked_bar_svg`: counts by category; `grouped_bar_chart`: a bar per series in each group,
  each named on its left (`bars`).
- `format_number`, `number_separators`, `format_x`: figures and positions in the active
  language (`numbers`); colours and their contrast (`colours`).

Colours: every colour of `PALETTE` has a contrast of at least 4.5:1 on white (text and lines
readable, WCAG 1.4.3 and 1.4.11); series also differ by dash and marker shape, not by colour only.
"""

from .bars import (
    Bar,
    BarGroup,
    bar_chart,
    bar_svg,
    grouped_bar_chart,
    grouped_bar_svg,
    ranked_bar_svg,
)
from .base import Chart, data_table
from .colours import (
    ACTUAL_COLOUR,
    AXIS_COLOUR,
    BASELINE_COLOUR,
    GRID_COLOUR,
    OKABE_ITO,
    PALETTE,
    TARGET_COLOUR,
    TEXT_COLOUR,
    contrast_ratio,
    relative_luminance,
)
from .lines import (
    Point,
    Series,
    line_chart,
    line_svg,
    target_actual_chart,
    target_actual_svg,
    yearly_line_svg,
)
from .numbers import MINUS, Number, X, format_number, format_x, number_separators

__all__ = [
    "ACTUAL_COLOUR",
    "AXIS_COLOUR",
    "BASELINE_COLOUR",
    "GRID_COLOUR",
    "MINUS",
    "OKABE_ITO",
    "PALETTE",
    "TARGET_COLOUR",
    "TEXT_COLOUR",
    "Bar",
    "BarGroup",
    "Chart",
    "Number",
    "Point",
    "Series",
    "X",
    "bar_chart",
    "bar_svg",
    "contrast_ratio",
    "data_table",
    "format_number",
    "format_x",
    "grouped_bar_chart",
    "grouped_bar_svg",
    "line_chart",
    "line_svg",
    "number_separators",
    "ranked_bar_svg",
    "relative_luminance",
    "target_actual_chart",
    "target_actual_svg",
    "yearly_line_svg",
]
