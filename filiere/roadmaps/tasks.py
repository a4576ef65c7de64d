"""Background tasks of the roadmaps (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_indicators() -> int:
    """Recompute the computed indicators of every plan that has some, dated today (run daily, as
    `filiere roadmaps_refresh` does); the number of indicators refreshed."""
    from .models import Computation, Plan
    from .services import refresh_computed_indicators

    plans = Plan.objects.filter(indicators__computation=Computation.COMPUTED).distinct()
    return sum(len(refresh_computed_indicators(plan=plan)) for plan in plans)
