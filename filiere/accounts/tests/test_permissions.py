"""The permissions modules function by function: roles (accounts), organisations and clusters,
people and applications (talent). The URL × role matrix is test_permissions_matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from filiere.accounts import permissions as p
from filiere.accounts.models import RegionalRole, Role
from filiere.organisations import permissions as op
from filiere.organisations.models import Kind, RelationKind
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    RelationFactory,
    UserFactory,
)
from filiere.talent import permissions as tp
from filiere.talent.models import Cohort, File, JobSeeker, Programme

pytestmark = pytest.mark.django_db


def _member(organisation, role=Role.MEMBER, **user):
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user)).user


@pytest.fixture
def firm():
    return EstablishmentFactory(region_code="27").organisation


@pytest.fixture
def regional():
    return RegionalRole.objects.create(user=UserFactory(), region=RegionFactory(code="27")).user


@pytest.fixture
def other_regional():
    return RegionalRole.objects.create(
        user=UserFactory(), region=RegionFactory(code="44", name="Grand Est")
    ).user


# --- signed in, staff --------------------------------------------------------------------------


def test_is_signed_in_refuses_anonymous_none_and_inactive():
    assert not p.is_signed_in(None)
    assert not p.is_signed_in(AnonymousUser())
    assert not p.is_signed_in(UserFactory(is_active=False))
    assert p.is_signed_in(UserFactory())


def test_platform_staff_is_staff_or_superuser_and_active():
    assert p.is_platform_staff(UserFactory(is_staff=True))
    assert p.is_platform_staff(UserFactory(is_superuser=True))
    assert not p.is_platform_staff(UserFactory(is_staff=True, is_active=False))
    assert not p.is_platform_staff(UserFactory())


def test_regional_admin_of_their_region_only(regional, other_regional):
    assert p.is_regional_admin(regional, "27") and not p.is_regional_admin(regional, "44")
    assert p.is_regional_admin(regional) and not p.is_regional_admin(UserFactory())
    assert not p.is_regional_admin(regional, "")
    assert p.administered_region_codes(regional) == {"27"}
    assert p.administered_region_codes(AnonymousUser()) == set()


# --- organisations -----------------------------------------------------------------------------


def test_may_edit_organisation(firm, regional, other_regional):
    assert op.may_edit_organisation(_member(firm, Role.EDITOR), firm)
    assert op.may_edit_organisation(_member(firm, Role.ADMIN), firm)
    assert not op.may_edit_organisation(_member(firm, Role.MEMBER), firm)
    assert op.may_edit_organisation(regional, firm)
    assert not op.may_edit_organisation(other_regional, firm)
    assert op.may_edit_organisation(UserFactory(is_staff=True), firm)
    assert not op.may_edit_organisation(AnonymousUser(), firm)
    assert not op.may_edit_organisation(_member(firm, Role.EDITOR, is_active=False), firm)
    assert op.may_edit_organisation(_member(firm, Role.EDITOR), firm.pk)  # an id works too


def test_may_administer_organisation(firm, regional, other_regional):
    assert op.may_administer_organisation(_member(firm, Role.ADMIN), firm)
    assert not op.may_administer_organisation(_member(firm, Role.EDITOR), firm)
    assert not op.may_administer_organisation(_member(firm, Role.MEMBER), firm)
    assert op.may_administer_organisation(regional, firm)
    assert not op.may_administer_organisation(other_regional, firm)
    assert op.may_administer_organisation(UserFactory(is_staff=True), firm)
    assert not op.may_administer_organisation(None, firm)


def test_organisations_editable_by(firm, regional):
    other = EstablishmentFactory(region_code="44").organisation
    editor = _member(firm, Role.EDITOR)
    assert list(op.organisations_editable_by(editor)) == [firm]
    assert list(op.organisations_editable_by(regional)) == [firm]
    assert set(op.organisations_editable_by(UserFactory(is_staff=True))) == {firm, other}
    assert not op.organisations_editable_by(AnonymousUser()).exists()
    # Own roles only, for what a person does in an organisation's name (offers).
    assert not op.organisations_with_role(regional).exists()
    assert list(op.organisations_with_role(editor)) == [firm]


# --- clusters ----------------------------------------------------------------------------------


@pytest.fixture
def clusters(firm):
    x = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="X")
    y = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Y")
    RelationFactory(source=firm, target=x, kind=RelationKind.MEMBER_OF)
    return x, y


def test_cluster_staff_are_editors_of_a_cluster(clusters):
    x, y = clusters
    staff = _member(x, Role.EDITOR)
    assert op.is_cluster_staff(staff) and op.is_cluster_staff(staff, x) and not op.is_cluster_staff(staff, y)
    assert not op.is_cluster_staff(_member(x, Role.MEMBER))
    assert not op.is_cluster_staff(_member(OrganisationFactory(), Role.EDITOR))


def test_clusters_validated_by(clusters):
    x, y = clusters
    assert list(op.clusters_validated_by(_member(x, Role.ADMIN))) == [x]
    assert set(op.clusters_validated_by(UserFactory(is_staff=True))) == {x, y}
    assert not op.clusters_validated_by(AnonymousUser()).exists()
    assert op.may_validate_for_cluster(_member(x, Role.EDITOR), x)
    assert not op.may_validate_for_cluster(_member(y, Role.EDITOR), x)
    assert not op.may_validate_for_cluster(_member(x, Role.EDITOR), None)


def test_a_cluster_validates_its_members_only(firm, clusters):
    x, y = clusters
    outsider = OrganisationFactory()
    x_staff, y_staff = _member(x, Role.EDITOR), _member(y, Role.EDITOR)
    assert op.may_validate_organisation(x_staff, firm)
    assert not op.may_validate_organisation(x_staff, outsider)
    assert not op.may_validate_organisation(y_staff, firm)
    assert op.may_validate_organisation(UserFactory(is_staff=True), outsider)
    assert list(op.organisations_validated_by(x_staff)) == [firm]
    assert not op.organisations_validated_by(y_staff).exists()
    assert list(op.validating_clusters(x_staff, firm)) == [x]
    assert list(op.cluster_members(x)) == [firm]


def test_another_relation_kind_is_not_membership(firm, clusters):
    _x, y = clusters
    RelationFactory(source=firm, target=y, kind=RelationKind.PARTNER_OF)
    assert not op.may_validate_organisation(_member(y, Role.EDITOR), firm)


# --- advisers ----------------------------------------------------------------------------------


@pytest.fixture
def people():
    """S follows P and runs a programme; partner T follows Q; P and Q both have a file in it."""
    region = RegionFactory(code="27")
    s, t = OrganisationFactory(kind=Kind.PUBLIC_BODY), OrganisationFactory(kind=Kind.PUBLIC_BODY)
    now = dt.datetime.now(dt.UTC)
    person_p = JobSeeker.objects.create(first_name="P", structure=s, last_activity_at=now)
    person_q = JobSeeker.objects.create(first_name="Q", structure=t, last_activity_at=now)
    programme = Programme.objects.create(name="Prog", structure=s, region=region)
    programme.partners.add(t)
    cohort = Cohort.objects.create(
        programme=programme,
        name="C",
        year=2025,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 1),
        places=10,
    )
    for person in (person_p, person_q):
        File.objects.create(cohort=cohort, seeker=person, applied_on=dt.date(2025, 1, 1))
    return s, t, person_p, person_q


def test_advisers(people):
    s, t, _p, _q = people
    assert tp.is_adviser(_member(s)) and tp.is_adviser(_member(t))
    assert tp.is_adviser(UserFactory(is_staff=True))
    assert not tp.is_adviser(UserFactory()) and not tp.is_adviser(AnonymousUser())
    assert not tp.is_adviser(_member(OrganisationFactory()))


def test_who_sees_a_person(people):
    s, t, person_p, person_q = people
    adviser_s, adviser_t = _member(s), _member(t)
    assert tp.may_see_person(adviser_s, person_p) and tp.may_see_person(
        adviser_s, person_q
    )  # runs the programme
    assert tp.may_see_person(adviser_t, person_q) and not tp.may_see_person(adviser_t, person_p)  # partner
    assert tp.may_see_person(UserFactory(is_staff=True), person_p)
    assert not tp.may_see_person(_member(OrganisationFactory()), person_p)
    assert not tp.may_see_person(AnonymousUser(), person_p)
    own = UserFactory()
    person_p.user = own
    assert tp.may_see_person(own, person_p)
    assert set(tp.people_visible_to(adviser_t)) == {person_q}


def test_only_the_following_structure_erases(people):
    s, t, person_p, person_q = people
    assert tp.may_erase_person(_member(s), person_p)
    assert not tp.may_erase_person(_member(s), person_q)  # runs the programme, does not follow Q
    assert tp.may_erase_person(_member(t, Role.ADMIN), person_q)
    assert not tp.may_erase_person(UserFactory(is_staff=True), person_p)
    assert not tp.may_erase_person(AnonymousUser(), person_p)


def test_offers_are_published_by_the_companys_editors_only(firm, regional):
    assert tp.may_publish_offer_for(_member(firm, Role.EDITOR), firm)
    assert not tp.may_publish_offer_for(_member(firm, Role.MEMBER), firm)
    assert not tp.may_publish_offer_for(UserFactory(is_staff=True), firm)
    assert not tp.may_publish_offer_for(regional, firm)
