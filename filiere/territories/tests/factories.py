"""Factories for territories. Codes start with "X" so they never collide with real COG codes."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from filiere.territories.models import Commune, Department, FormerRegion, Region, name_search_key


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Région {n}")


class FormerRegionFactory(DjangoModelFactory):
    class Meta:
        model = FormerRegion
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Y{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Ancienne région {n}")
    successor = factory.SubFactory(RegionFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n:04d}")
    insee_code = factory.SelfAttribute("code")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: name_search_key(o.name))
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SelfAttribute("department.region")
