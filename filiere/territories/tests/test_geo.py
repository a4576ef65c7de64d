"""Department centres and distances (territories.geo), kept while the departments' rows stay."""

from __future__ import annotations

import pytest

from filiere.territories import geo
from filiere.territories.models import Department
from filiere.territories.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _square(west: float, south: float, side: float) -> list[list[list[float]]]:
    return [
        [
            [west, south],
            [west + side, south],
            [west + side, south + side],
            [west, south + side],
            [west, south],
        ]
    ]


def test_a_multipolygon_is_centred_on_the_box_of_all_its_parts() -> None:
    outline = {
        "type": "Feature",
        "geometry": {"type": "MultiPolygon", "coordinates": [_square(0, 40, 1), _square(4, 44, 2)]},
    }
    assert geo._centre(outline) == (3.0, 43.0)
    assert geo._centre({"type": "Polygon", "coordinates": _square(2, 46, 2)}) == (3.0, 47.0)
    assert geo._centre({"type": "Polygon", "coordinates": []}) is None
    assert geo._centre(None) is None


def test_centres_follow_the_departments_rows_without_a_reset() -> None:
    # Far from France, so that the real departments of a loaded reference are never in reach.
    west = DepartmentFactory(code="X01", outline={"type": "Polygon", "coordinates": _square(100, 45, 1)})
    assert geo.distance_km("X01", "X02") is None  # not there yet
    DepartmentFactory(code="X02", outline={"type": "Polygon", "coordinates": _square(101, 45, 1)})
    distance = geo.distance_km("X01", "X02")
    assert distance is not None and 75 < distance < 85  # one degree of longitude at 45.5° N: 78 km
    assert geo.departments_within("X01", 100) == ["X01", "X02"]
    assert geo.departments_within("X01", 50) == ["X01"]
    DepartmentFactory(code="X03")  # no outline: only reachable by being named
    assert geo.departments_within("X03", 1000) == ["X03"]
    Department.objects.filter(code="X02").delete()
    assert geo.departments_within(west.code, 100) == ["X01"]


def test_an_outline_rewritten_in_place_moves_the_centre() -> None:
    # Same rows, same count and last id: the save itself makes the centres be read again.
    far = DepartmentFactory(code="X01", outline={"type": "Polygon", "coordinates": _square(100, 45, 1)})
    DepartmentFactory(code="X02", outline={"type": "Polygon", "coordinates": _square(101, 45, 1)})
    assert geo.departments_within("X01", 100) == ["X01", "X02"]
    far.outline = {"type": "Polygon", "coordinates": _square(110, 45, 1)}
    far.save()
    assert geo.departments_within("X01", 100) == ["X01"]
