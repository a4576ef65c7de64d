import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from filiere.roadmaps.computations import computations


def test_computations_are_collected_from_the_apps_that_register_them():
    assert list(computations()) == [
        "digital_establishments_in_region",
        "organisations_in_region",
        "programme_files_latest_year",
        "programme_trainees_latest_year",
        "programme_back_to_work_rate",
        "support_companies_supported_this_year",
        "events_this_year",
        "governance_regional_cluster_members",
        "governance_share_of_subsidies_paid",
    ]


def test_a_key_registered_twice_is_refused(monkeypatch):
    talent = apps.get_app_config("talent")
    monkeypatch.setattr(talent, "roadmap_computations", "filiere.organisations.indicators.COMPUTATIONS")
    with pytest.raises(ImproperlyConfigured, match="digital_establishments_in_region"):
        computations()
