"""Demo data for Filière: the actors of the five seed articles, real open data, generated firms.

Entry point: `run_demo` (used by `filiere demo`). The planning of generated volumes is the pure
function `plan_generation`, tested against the seed articles' figures.
"""

from filiere.organisations.demo.common import DEMO_REGIONS, DemoNotReady
from filiere.organisations.demo.generated import TARGETS, PlanLine, Target, plan_generation
from filiere.organisations.demo.runner import DemoReport, reset_demo, run_demo

__all__ = [
    "DEMO_REGIONS",
    "TARGETS",
    "DemoNotReady",
    "DemoReport",
    "PlanLine",
    "Target",
    "plan_generation",
    "reset_demo",
    "run_demo",
]
