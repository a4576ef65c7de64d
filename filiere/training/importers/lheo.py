"""Streaming reader of LHÉO 2.x XML files (see docs/training.md for the elements read)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from filiere.training.models import (
    Funding,
    SessionStatus,
    TeachingMode,
)

from .records import (
    LHEO_FUNDERS,
    LHEO_RECRUITMENT,
    MAX_TEXT,
    TRUE,
    CourseRecord,
    SessionRecord,
    TrainingFormatError,
    check_course,
    check_session,
    normalise_certification,
    parse_hours,
    parse_lheo_date,
    parse_places,
    rejection,
)

# --- LHÉO reader ----------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path) if path else element
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())[:MAX_TEXT]


def _long_text(element: Element | None, name: str) -> str:
    found = _child(element, name)
    if found is None:
        return ""
    return "".join(found.itertext()).strip()[:MAX_TEXT]


def _extras(element: Element) -> dict[str, str]:
    values = {}
    for extras in _children(element, "extras"):
        for extra in _children(extras, "extra"):
            values[extra.get("info", "")] = _text(extra)
    return values


def _lheo_session(
    session: Element, action: Element, where: str, action_key: str, mode: str, places: str
) -> SessionRecord:
    key = session.get("numero", "").strip()
    record = SessionRecord(
        key=key, where=where, action_key=action_key, distance=mode == TeachingMode.DISTANCE
    )
    if not key:
        record.errors.append(rejection(where, "session@numero", _("numéro de session manquant")))
    for name in ("debut", "fin"):
        value = _text(session, "periode", name)
        try:
            parsed = parse_lheo_date(value)
        except ValueError as exc:
            record.errors.append(rejection(where, f"periode/{name}", str(exc), key))
            continue
        setattr(record, "start" if name == "debut" else "end", parsed)
    address = _child(action, "lieu-de-formation", "coordonnees", "adresse")
    if address is None:
        address = _child(session, "adresse-inscription", "adresse")
    record.insee = _text(address, "code-INSEE-commune")
    record.postcode = _text(address, "codepostal")
    record.city = _text(address, "ville")
    try:
        record.places = parse_places(places)
    except ValueError as exc:
        record.errors.append(rejection(where, "nb-places-financees", str(exc), key))
    state = _text(session, "etat-recrutement")
    record.status = LHEO_RECRUITMENT.get(state, SessionStatus.OPEN)
    record.raw = {
        "action": action_key,
        "debut": _text(session, "periode", "debut"),
        "fin": _text(session, "periode", "fin"),
        "insee": record.insee,
        "codepostal": record.postcode,
        "ville": record.city,
        "places": places,
        "etat": state,
        "modalites": mode,
    }
    check_session(record)
    return record


def _lheo_course(formation: Element, where: str) -> CourseRecord:
    key = formation.get("numero", "").strip()
    record = CourseRecord(key=key, where=where)
    if not key:
        record.errors.append(rejection(where, "formation@numero", _("numéro de formation manquant")))
    domain = _child(formation, "domaine-formation")
    record.formacodes = [_text(c) for c in _children(domain, "code-FORMACODE")] if domain is not None else []
    record.rome_codes = (
        [_text(c).upper() for c in _children(domain, "code-ROME")] if domain is not None else []
    )
    record.title = _text(formation, "intitule-formation")[:255]
    record.objectives = _long_text(formation, "objectif-formation")
    record.expected_results = _long_text(formation, "resultats-attendus")
    record.description = _long_text(formation, "contenu-formation")
    for certification in _children(formation, "certification"):
        code = _text(certification, "code-RNCP")
        if code and not record.certification_code:
            try:
                record.certification_code = normalise_certification(code)
            except ValueError as exc:
                record.errors.append(rejection(where, "certification/code-RNCP", str(exc), key))
    record.siret = _text(formation, "organisme-formation-responsable", "SIRET-organisme-formation", "SIRET")
    funding: list[str] = []
    modes: list[str] = []
    hours: list[int] = []
    extras = _extras(formation)
    if extras.get("eligibilite-cpf") in TRUE:
        funding.append(Funding.CPF)
    for a_index, action in enumerate(_children(formation, "action"), start=1):
        action_key = action.get("numero", "").strip()
        mode = _text(action, "modalites-enseignement") or TeachingMode.ON_SITE
        if mode not in TeachingMode.values:
            record.errors.append(
                rejection(
                    f"{where}/action[{a_index}]",
                    "modalites-enseignement",
                    _("valeur inconnue « %(value)s » (0, 1 ou 2 attendu)") % {"value": mode[:10]},
                    key,
                )
            )
            mode = TeachingMode.ON_SITE
        modes.append(mode)
        try:
            if (value := parse_hours(_text(action, "nombre-heures-total"))) is not None:
                hours.append(value)
        except ValueError as exc:
            record.errors.append(
                rejection(f"{where}/action[{a_index}]", "nombre-heures-total", str(exc), key)
            )
        places_total: int | None = None
        places_text = ""
        bad_places = ""
        for funder in _children(action, "organisme-financeur"):
            code = _text(funder, "code-financeur")
            if code in LHEO_FUNDERS and LHEO_FUNDERS[code] not in funding:
                funding.append(LHEO_FUNDERS[code])
            count = _text(funder, "nb-places-financees")
            if count:
                try:
                    number = parse_places(count)
                except ValueError:
                    bad_places = count
                    continue
                places_total = (places_total or 0) + (number or 0)
        places_text = bad_places or ("" if places_total is None else str(places_total))
        if _extras(action).get("eligibilite-cpf") in TRUE and Funding.CPF not in funding:
            funding.append(Funding.CPF)
        for s_index, session in enumerate(_children(action, "session"), start=1):
            record.sessions.append(
                _lheo_session(
                    session,
                    action,
                    f"{where}/action[{a_index}]/session[{s_index}]",
                    action_key,
                    mode,
                    places_text,
                )
            )
    record.funding = funding
    record.duration_hours = max(hours) if hours else None
    if modes and all(m == TeachingMode.DISTANCE for m in modes):
        record.teaching_mode = TeachingMode.DISTANCE
    elif any(m != TeachingMode.ON_SITE for m in modes):
        record.teaching_mode = TeachingMode.BLENDED
    record.raw = {
        "numero": key,
        "intitule": record.title,
        "objectif": record.objectives,
        "resultats": record.expected_results,
        "contenu": record.description,
        "formacode": record.formacodes,
        "rome": record.rome_codes,
        "certification": record.certification_code,
        "siret": record.siret,
        "financements": funding,
        "heures": record.duration_hours,
        "modalites": modes,
    }
    check_course(record)
    return record


def read_lheo(stream: IO[bytes]) -> Iterator[CourseRecord]:
    """Stream the `<formation>`s of an LHÉO file (any 2.x namespace, or none).

    Raises `TrainingFormatError` on a DTD or entity declaration, on XML that is not well formed
    (after yielding the formations read before the error) and on a root that is not `<lheo>`.
    """
    index = 0
    depth = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                if depth == 0 and name != "lheo":
                    raise TrainingFormatError(
                        _("ce fichier n'est pas au format LHÉO (élément racine « %(name)s »)")
                        % {"name": name[:40]}
                    )
                depth += 1
                continue
            depth -= 1
            if name == "formation" and depth == 2:
                index += 1
                numero = element.get("numero", "")
                where = f"formation[{index}]" + (f" numero={numero}" if numero else "")
                yield _lheo_course(element, where)
                element.clear()
    except DefusedXmlException as exc:
        raise TrainingFormatError(
            _("déclarations DTD ou entités refusées dans un fichier importé (%(error)s)")
            % {"error": type(exc).__name__}
        ) from exc
    except ParseError as exc:
        raise TrainingFormatError(_("XML mal formé : %(error)s") % {"error": exc}) from exc
