"""Demo training offer: about 50 courses with sessions in the four seed regions.

Each seed region (Bourgogne-Franche-Comté 27, Grand Est 44, Occitanie 76, Nouvelle-Aquitaine 75)
gets three training bodies (the directory's own training bodies and schools of the region first,
then generated ones, flagged `is_generated`) and a dozen courses in the trades the seeds name:
data and AI, web development, cybersecurity, DevOps and cloud, networks, project methods, and the
bridges from aircraft maintenance and industry to digital jobs that Occitanie's "TESC Force"
(seed 004) calls for. Sessions start between one and ten months from the day of the load, spread
over the region's departments; some are at a distance.

Titles, texts, hours and places are illustrative; certification codes are given as examples of
the format and say so in their label. `OCCITANIE_AERONAUTICS_GROUP` is the reconversion case of
seed 004 (8,000 to 10,000 of the region's 45,000 aeronautics-related jobs threatened): ROME
métiers of aeronautics design and maintenance with illustrative head-counts totalling 9,500.
Loading twice changes nothing (keys: `demo:<region>:<course>`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from filiere.organisations import services as organisation_services
from filiere.organisations.models import Kind, Organisation, Source
from filiere.taxonomy.models import Skill

from .models import Course, CourseSkill, CourseSource, Session, SessionStatus, SkillOrigin, TeachingMode
from .selectors import TRAINING_KINDS
from .services import refresh_extracted_skills

REGIONS: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    # region: (name, [(commune INSEE code, city, department, postcode)])
    "27": (
        "Bourgogne-Franche-Comté",
        [
            ("21231", "Dijon", "21", "21000"),
            ("25056", "Besançon", "25", "25000"),
            ("90010", "Belfort", "90", "90000"),
            ("71076", "Chalon-sur-Saône", "71", "71100"),
        ],
    ),
    "44": (
        "Grand Est",
        [
            ("67482", "Strasbourg", "67", "67000"),
            ("54395", "Nancy", "54", "54000"),
            ("51454", "Reims", "51", "51100"),
            ("57463", "Metz", "57", "57000"),
            ("68224", "Mulhouse", "68", "68100"),
        ],
    ),
    "76": (
        "Occitanie",
        [
            ("31555", "Toulouse", "31", "31000"),
            ("34172", "Montpellier", "34", "34000"),
            ("30189", "Nîmes", "30", "30000"),
            ("66136", "Perpignan", "66", "66000"),
            ("81004", "Albi", "81", "81000"),
            ("65440", "Tarbes", "65", "65000"),
        ],
    ),
    "75": (
        "Nouvelle-Aquitaine",
        [
            ("33063", "Bordeaux", "33", "33000"),
            ("86194", "Poitiers", "86", "86000"),
            ("87085", "Limoges", "87", "87000"),
            ("64445", "Pau", "64", "64000"),
            ("16015", "Angoulême", "16", "16000"),
        ],
    ),
}
GENERATED_BODIES = ("Campus numérique", "École du code", "Centre de formation continue")
EXAMPLE = " (code donné en exemple)"

OCCITANIE_AERONAUTICS_GROUP: list[tuple[str, int]] = [
    ("H1206", 3000),  # Ingénieur R&D en industrie (aéronautique, avionique, structures)
    ("I1602", 2500),  # Mécanicien avion, mécanicien de maintenance aéronautique
    ("H1203", 1500),  # Dessinateur-projeteur en construction aéronautique
    ("I1334", 1000),  # Électronicien de maintenance aéronautique
    ("H2901", 800),  # Ajusteur-monteur aéronautique
    ("H1210", 700),  # Technicien R&D
]


@dataclass(frozen=True)
class Template:
    slug: str
    title: str
    objectives: str
    content: str
    hours: int
    certification: str
    certification_label: str
    rome: tuple[str, ...]
    funding: tuple[str, ...]
    mode: str = TeachingMode.ON_SITE
    places: int = 16


# fmt: off
TEMPLATES: tuple[Template, ...] = (
    Template("data-analyst", "Data analyst", "Collecter, nettoyer et analyser des données ; produire des tableaux de bord et des modèles d'apprentissage automatique.", "Statistiques, Python, SQL, visualisation de données, apprentissage automatique, projet en entreprise.", 800, "RNCP37429", "Data analyst" + EXAMPLE, ("M1811",), ("cpf", "region", "france_travail"), places=14),
    Template("ia-developpeur", "Développeur en intelligence artificielle", "Concevoir et déployer des applications d'intelligence artificielle et de traitement automatique du langage.", "Python, apprentissage profond, science des données, mise en production de modèles, éthique.", 1000, "RNCP36581", "Développeur en intelligence artificielle" + EXAMPLE, ("M1889",), ("cpf", "region", "opco"), places=12),
    Template("dev-web", "Développeur web et web mobile", "Développer des applications web : interfaces, bases de données, JavaScript, PHP.", "HTML, CSS, JavaScript, PHP, SQL, méthodes agiles, gestion de projets.", 900, "RNCP37674", "Développeur web et web mobile" + EXAMPLE, ("M1855",), ("cpf", "region", "france_travail"), places=18),
    Template("concepteur-applications", "Concepteur développeur d'applications", "Concevoir et développer des applications sécurisées en Java et en Python.", "Programmation orientée objet, Java, Python, tests, architecture logicielle, DevOps.", 1200, "RNCP37873", "Concepteur développeur d'applications" + EXAMPLE, ("M1805",), ("cpf", "opco"), places=16),
    Template("cyber-analyste", "Analyste en cybersécurité", "Surveiller, détecter et traiter les incidents de sécurité informatique dans un SOC.", "Cybersécurité, analyse de risques, tests d'intrusion, supervision, gestion des incidents.", 700, "RNCP36924", "Analyste en cybersécurité" + EXAMPLE, ("M1844", "M1883"), ("cpf", "region", "opco"), places=14),
    Template("cyber-distance", "Cybersécurité : les fondamentaux (à distance)", "Acquérir les bases de la sécurité informatique et de la cybersécurité.", "Menaces, cryptographie, sécurité des réseaux, bonnes pratiques, réglementation.", 140, "", "", ("M1817",), ("cpf", "opco"), TeachingMode.DISTANCE, 30),
    Template("devops-cloud", "Administrateur systèmes DevOps", "Automatiser le déploiement et l'exploitation d'applications dans le cloud.", "Linux, cloud computing, conteneurs, Docker, Kubernetes, intégration continue.", 900, "RNCP36061", "Administrateur systèmes DevOps" + EXAMPLE, ("M1827", "M1879"), ("cpf", "region", "france_travail"), places=14),
    Template("technicien-cloud", "Technicien cloud et infrastructures", "Installer et administrer des serveurs, des réseaux et des services cloud.", "Administration des systèmes, réseaux informatiques, virtualisation, cloud computing.", 600, "RNCP37682", "Technicien supérieur systèmes et réseaux" + EXAMPLE, ("M1876", "M1810"), ("region", "france_travail"), places=16),
    Template("reseaux", "Technicien réseaux et télécoms", "Installer et maintenir les réseaux informatiques et télécoms des entreprises.", "Réseaux informatiques, fibre optique, télécommunications, sécurité des réseaux.", 700, "", "", ("M1816",), ("region", "opco")),
    Template("chef-projet-agile", "Chef de projet digital agile", "Piloter des projets numériques avec les méthodes agiles.", "Gestion de projets, Scrum, conduite du changement, relation client.", 400, "RS5487", "Certification Scrum" + EXAMPLE, ("M1828", "M1814"), ("cpf", "opco", "employer"), TeachingMode.BLENDED, 20),
    Template("aero-vers-numerique", "Passerelle maintenance aéronautique vers les métiers du numérique", "Reconvertir des mécaniciens et techniciens de maintenance aéronautique vers l'exploitation informatique et la supervision des systèmes.", "Diagnostic de pannes appliqué aux systèmes informatiques, administration des systèmes, réseaux, supervision, cybersécurité.", 600, "", "", ("M1810", "I1602"), ("region", "france_travail", "opco"), places=20),
    Template("ingenieur-vers-data", "Ingénieurs de l'aéronautique : devenir data engineer", "Mettre l'expérience d'ingénierie et de calcul au service de la donnée : pipelines, cloud, apprentissage automatique.", "Python, SQL, ingénierie des données, cloud computing, apprentissage automatique, gestion de projets.", 500, "", "", ("M1811", "H1206"), ("region", "opco", "employer"), TeachingMode.BLENDED, 18),
)
# fmt: on


def _training_bodies(region: str, name: str, first_commune: tuple[str, str, str, str]) -> list[Organisation]:
    bodies = list(
        Organisation.objects.filter(kind__in=TRAINING_KINDS, establishments__region_code=region)
        .distinct()
        .order_by("pk")[:2]
    )
    for label in GENERATED_BODIES:
        if len(bodies) >= 3:
            break
        full = f"{label} — {name}"
        org = Organisation.objects.filter(name=full).order_by("pk").first()
        if org is None:
            code, city, department, postcode = first_commune
            org = organisation_services.create_organisation(
                name=full,
                kind=Kind.TRAINING_BODY,
                source=Source.GENERATED,
                is_generated=True,
                naf_code="85.59A",
                description="Organisme de formation généré pour la démonstration.",
                head_office={
                    "commune_id": code, "commune_code": code, "city": city, "postcode": postcode,
                    "department_code": department, "region_code": region,
                },
            )  # fmt: skip
        bodies.append(org)
    return bodies


def _imported_skills(course: Course, rome: tuple[str, ...]) -> None:
    ids = Skill.objects.filter(
        rome_competence__metier_links__metier_id__in=rome, rome_competence__metier_links__is_core=True
    ).values_list("pk", flat=True)
    existing = set(course.skill_links.values_list("skill_id", flat=True))
    CourseSkill.objects.bulk_create(
        [CourseSkill(course=course, skill_id=s, origin=SkillOrigin.IMPORTED) for s in set(ids) - existing]
    )


M = TypeVar("M", Course, Session)


def _upsert(model: type[M], held: dict[str, M], external_id: str, values: dict[str, Any]) -> tuple[M, bool]:
    """`update_or_create` on rows read beforehand (`held`, by external id): a row whose values
    are already these is not written (a rerun of the demo rewrote its 144 rows, 666 queries)."""
    row = held.get(external_id)
    if row is None:
        return model.objects.create(external_id=external_id, **values), True
    changed = False
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation and name == field.name:  # a model instance (`commune_id` is a key)
            name, value = f"{name}_id", value.pk if value is not None else None
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()
    return row, False


@transaction.atomic
def load_training_demo(*, today: dt.date | None = None) -> list[Course]:
    """Create or update the demo courses and sessions (idempotent); returns the courses."""
    today = today or timezone.localdate()
    courses: list[Course] = []
    held_courses = {c.external_id or "": c for c in Course.objects.filter(external_id__startswith="demo:")}
    held_sessions = {s.external_id or "": s for s in Session.objects.filter(external_id__startswith="demo:")}
    with_skills = set(
        CourseSkill.objects.filter(course__in=list(held_courses.values())).values_list("course_id", flat=True)
    )
    for r_index, (region, (name, places)) in enumerate(REGIONS.items()):
        bodies = _training_bodies(region, name, places[0])
        for t_index, template in enumerate(TEMPLATES):
            body = bodies[t_index % len(bodies)]
            course, created = _upsert(
                Course,
                held_courses,
                f"demo:{region}:{template.slug}",
                {
                    "organisation": body,
                    "source": CourseSource.DEMO,
                    "title": template.title,
                    "objectives": template.objectives,
                    "description": template.content,
                    "duration_hours": template.hours,
                    "certification_code": template.certification,
                    "certification_label": template.certification_label,
                    "rome_codes": list(template.rome),
                    "funding": list(template.funding),
                    "teaching_mode": template.mode,
                    "is_published": True,
                },
            )
            if created or course.pk not in with_skills:
                refresh_extracted_skills(course)
                _imported_skills(course, template.rome)
            for s_index in range(2):
                commune, city, department, postcode = places[(t_index + s_index + r_index) % len(places)]
                start = today + dt.timedelta(days=30 + 14 * t_index + 150 * s_index + 7 * r_index)
                weeks = max(2, template.hours // 35)
                distance = template.mode == TeachingMode.DISTANCE
                _upsert(
                    Session,
                    held_sessions,
                    f"demo:{region}:{template.slug}:{s_index + 1}",
                    {
                        "course": course,
                        "start_date": start,
                        "end_date": start + dt.timedelta(weeks=weeks),
                        "distance_learning": distance,
                        "commune_id": None if distance else commune,
                        "city": "" if distance else city,
                        "postcode": "" if distance else postcode,
                        "department_code": "" if distance else department,
                        "region_code": region,
                        "places": template.places + 2 * ((t_index + r_index) % 3),
                        "status": SessionStatus.FULL if (t_index + s_index) % 7 == 6 else SessionStatus.OPEN,
                    },
                )
            courses.append(course)
    return courses
