"""The directory's "member of" relations that governance keeps in step with memberships."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

import pytest
from django.db import transaction

from filiere.organisations import services
from filiere.organisations.models import Kind, Relation, RelationKind

from .factories import CollegeFactory, OrganisationFactory, RelationFactory

pytestmark = pytest.mark.django_db


def _relations() -> list[tuple[Any, ...]]:
    return sorted(
        Relation.objects.values_list(
            "source_id", "target_id", "kind", "college_id", "start_date", "end_date", "note"
        )
    )


def test_set_member_relations_sets_each_relation_as_set_member_relation_does() -> None:
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Occitanie numérique")
    other_cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Digital 113")
    cloud, data = CollegeFactory(cluster=cluster, name="Cloud"), CollegeFactory(cluster=cluster, name="Data")
    moved, joining, leaving, never, elsewhere = (OrganisationFactory() for _ in range(5))
    RelationFactory(source=moved, target=cluster, college=cloud, start_date=dt.date(2020, 1, 1))
    RelationFactory(source=leaving, target=cluster, college=cloud)
    RelationFactory(source=elsewhere, target=other_cluster)
    RelationFactory(source=leaving, target=cluster, kind=RelationKind.PARTNER_OF)
    wanted = [
        services.MemberRelation(member=moved, college=data, active=True, start_date=dt.date(2021, 3, 1)),
        services.MemberRelation(
            member=joining,
            college=cloud,
            active=True,
            start_date=dt.date(2022, 1, 1),
            end_date=dt.date(2026, 12, 31),
        ),
        services.MemberRelation(member=leaving, college=None, active=False),
        services.MemberRelation(member=never, college=cloud, active=False),
        services.MemberRelation(member=elsewhere, college=None, active=True),
    ]
    before = _relations()

    def tried(set_relations: Any) -> list[tuple[Any, ...]]:
        with transaction.atomic():
            savepoint = transaction.savepoint()
            set_relations()
            relations = _relations()
            transaction.savepoint_rollback(savepoint)
        assert _relations() == before
        return relations

    def one_at_a_time() -> None:
        for r in wanted:
            services.set_member_relation(cluster=cluster, **{f.name: getattr(r, f.name) for f in fields(r)})

    one_by_one = tried(one_at_a_time)
    together = tried(lambda: services.set_member_relations(cluster=cluster, relations=wanted))

    assert together == one_by_one
    member_of = {(r[0], r[1]): r[3:6] for r in together if r[2] == RelationKind.MEMBER_OF}
    assert member_of == {
        (moved.pk, cluster.pk): (data.pk, dt.date(2021, 3, 1), None),
        (joining.pk, cluster.pk): (cloud.pk, dt.date(2022, 1, 1), dt.date(2026, 12, 31)),
        (elsewhere.pk, other_cluster.pk): (None, None, None),
        (elsewhere.pk, cluster.pk): (None, None, None),
    }
    assert (leaving.pk, cluster.pk, RelationKind.PARTNER_OF) in {
        r[:3] for r in together
    }  # another kind: kept
