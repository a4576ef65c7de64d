"""Who reads and erases a person, who publishes an offer (issue 10: one answer to who may do what)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from filiere.accounts.models import Role, User
from filiere.talent import services
from filiere.talent.models import AccessLog, JobOffer, JobSeeker

from .factories import (
    CohortFactory,
    MembershipFactory,
    OrganisationFactory,
    SeekerFactory,
    StructureFactory,
    UserFactory,
    adviser_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_with_partner():
    """A cohort of three people: one followed by a partner structure, two by the running one."""
    cohort = CohortFactory()
    partner = StructureFactory(name="Mission locale partenaire")
    cohort.programme.partners.add(partner)
    followed = SeekerFactory(structure=partner, last_name="Suivie")
    others = [SeekerFactory(structure=cohort.programme.structure, last_name=n) for n in ("Autre", "Tierce")]
    for seeker in [followed, *others]:
        services.open_file(cohort=cohort, seeker=seeker, by=None)
    return cohort, partner, followed, others


def test_a_partner_sees_only_the_people_it_follows_in_a_cohort(client, cohort_with_partner):
    cohort, partner, followed, others = cohort_with_partner
    client.force_login(adviser_of(partner))
    page = client.get(f"/talents/promotions/{cohort.pk}/")
    assert page.status_code == 200
    assert [f.seeker for f in page.context["files"]] == [followed]
    assert "Suivie" in page.content.decode() and "Tierce" not in page.content.decode()
    other_file = others[0].files.get()
    assert client.get(f"/talents/dossiers/{other_file.pk}/").status_code == 404


def test_the_running_structure_sees_the_whole_cohort(client, cohort_with_partner):
    cohort, _partner, _followed, _others = cohort_with_partner
    client.force_login(adviser_of(cohort.programme.structure))
    assert len(client.get(f"/talents/promotions/{cohort.pk}/").context["files"]) == 3


def test_cohort_file_and_name_search_reads_are_logged(client, cohort_with_partner):
    cohort, partner, followed, _others = cohort_with_partner
    adviser = adviser_of(partner)
    client.force_login(adviser)
    client.get(f"/talents/promotions/{cohort.pk}/")
    client.get(f"/talents/dossiers/{followed.files.get().pk}/")
    client.get("/talents/personnes/?q=Suiv")
    whats = list(AccessLog.objects.filter(user=adviser).values_list("seeker_id", "what"))
    assert sorted(whats) == sorted(
        [
            (followed.pk, f"promotion {cohort.pk}"),
            (followed.pk, f"dossier {followed.files.get().pk}"),
            (followed.pk, "liste des personnes"),
        ]
    )


def test_only_the_following_structure_erases_a_person(client, cohort_with_partner):
    cohort, _partner, followed, _others = cohort_with_partner
    url = f"/talents/personnes/{followed.pk}/effacer/"
    # The running structure sees the person (a file in its programme) but does not follow them.
    client.force_login(adviser_of(cohort.programme.structure))
    assert client.get(f"/talents/personnes/{followed.pk}/").status_code == 200
    assert client.post(url, {"confirm": "1"}).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert JobSeeker.objects.get(pk=followed.pk).anonymised_at is None
    with pytest.raises(PermissionDenied):
        services.erase_seeker(seeker=followed, by=adviser_of(cohort.programme.structure))
    client.force_login(adviser_of(followed.structure))
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert JobSeeker.objects.get(pk=followed.pk).anonymised_at is not None


def test_erasure_anonymises_the_persons_account(client):
    account = UserFactory(first_name="Awa", last_name="Diallo", email="awa@exemple.org")
    MembershipFactory(user=account, organisation=OrganisationFactory(), role=Role.MEMBER)
    seeker = SeekerFactory(user=account)
    services.erase_seeker(seeker=seeker, by=adviser_of(seeker.structure))
    account = User.objects.get(pk=account.pk)
    assert (account.first_name, account.last_name, account.email) == ("", "", "")
    assert "Diallo" not in account.username and "awa" not in account.username
    assert not account.is_active and not account.has_usable_password()
    assert not account.memberships.exists()


def test_a_person_erases_their_own_data(client):
    account = UserFactory()
    seeker = SeekerFactory(user=account)
    client.force_login(account)
    assert client.post(f"/talents/personnes/{seeker.pk}/effacer/", {"confirm": "1"}).status_code == 302
    assert JobSeeker.objects.get(pk=seeker.pk).anonymised_at is not None


OFFER = {"title": "Technicien support", "description": "", "commune_code": "", "contract": "cdi", "positions": 1,
         "rome_appellation": ""}  # fmt: skip


def test_platform_staff_do_not_publish_under_a_company(client):
    OrganisationFactory(name="Entreprise quelconque")
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/talents/offres/nouvelle/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.save_offer(
            organisation=OrganisationFactory(), by=UserFactory(is_staff=True), title="Support"
        )
    assert not JobOffer.objects.exists()


def test_an_editor_publishes_only_for_a_company_they_edit(client):
    mine, theirs = OrganisationFactory(name="Mienne"), OrganisationFactory(name="Autre")
    other = OrganisationFactory(name="Encore une")
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=mine, role=Role.EDITOR)
    MembershipFactory(user=editor, organisation=other, role=Role.ADMIN)
    MembershipFactory(user=editor, organisation=theirs, role=Role.MEMBER)
    client.force_login(editor)
    form = client.get("/talents/offres/nouvelle/").context["form"]
    assert {o.pk for o in form.fields["organisation"].queryset} == {mine.pk, other.pk}
    assert client.post("/talents/offres/nouvelle/", {**OFFER, "organisation": theirs.pk}).status_code == 400
    assert client.post("/talents/offres/nouvelle/", {**OFFER, "organisation": other.pk}).status_code == 302
    assert list(JobOffer.objects.values_list("organisation_id", flat=True)) == [other.pk]


def test_the_erase_button_is_shown_only_to_who_may_erase(client, cohort_with_partner):
    cohort, _partner, followed, _others = cohort_with_partner
    erase_url = f"/talents/personnes/{followed.pk}/effacer/"
    client.force_login(adviser_of(cohort.programme.structure))
    assert erase_url not in client.get(f"/talents/personnes/{followed.pk}/").content.decode()
    client.force_login(adviser_of(followed.structure))
    assert erase_url in client.get(f"/talents/personnes/{followed.pk}/").content.decode()
