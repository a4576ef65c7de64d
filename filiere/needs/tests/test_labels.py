"""Labels that read wrong when a French msgid is also someone else's English one."""

from __future__ import annotations

from django.utils import translation

from filiere.needs.models import Status


def test_a_closed_campaign_reads_fermee_not_fermer():
    with translation.override("fr"):
        assert [str(label) for label in Status.labels] == ["Brouillon", "Ouverte", "Fermée"]
    with translation.override("en"):
        assert [str(label) for label in Status.labels] == ["Draft", "Open", "Closed"]
