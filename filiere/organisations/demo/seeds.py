"""The actors named in the five seed articles, typed by hand, and the French Tech labels.

Seeds: 000 Bourgogne-Franche-Comté performance contract (2019), 001 Grand Est convention with
Syntec Numérique (2019), 002 Nouvelle-Aquitaine digital roadmap (2018), 003 Languedoc-Roussillon
cluster merger (2014), 004 Occitanie "TESC Force" (2020). Descriptions are drawn from the
articles. The commune is the one the article names; where it names none, the actor's known seat
(`place="connu"`), or no commune at all when we do not know it (region only).

Length (about 800 lines), on purpose: this is data, one literal per actor of the seed
articles typed by hand; split by article it would scatter one table without making any function
shorter.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from filiere.organisations.demo.common import CommuneIndex, build_establishment, data_dir
from filiere.organisations.models import College, Establishment, Kind, Organisation, Relation, Source

K = Kind
MEMBER, INCUBATED, PARTNER, FUNDED = "member_of", "incubated_by", "partner_of", "funded_by"


@dataclass(frozen=True)
class SeedActor:
    key: str
    name: str
    kind: str
    region: str
    description: str
    seed: str
    commune: str | None = None  # INSEE code
    department: str = ""
    place: str = "article"  # "article": named by the article; "connu": known seat; "": none
    acronym: str = ""
    website: str = ""
    naf: str = ""
    tags: tuple[str, ...] = ()
    establishment: str = ""  # display name of a local (non head-office) establishment


SEED_ACTORS: tuple[SeedActor, ...] = (
    # --- 000 Bourgogne-Franche-Comté -------------------------------------------------------------
    SeedActor(
        "region-bfc",
        "Région Bourgogne-Franche-Comté",
        K.PUBLIC_BODY,
        "27",
        "Conseil régional. Signataire avec l'État et la filière du contrat d'appui à la performance "
        "économique et au développement des compétences (CAPéCO) de la filière numérique : 4 ans, "
        "30 actions réparties selon 4 enjeux prioritaires.",
        "000",
        commune="25056",
        place="connu",
        website="https://www.bourgognefranchecomte.fr",
        tags=("conseil régional", "CAPéCO"),
    ),
    SeedActor(
        "etat-bfc",
        "Préfecture de la région Bourgogne-Franche-Comté",
        K.PUBLIC_BODY,
        "27",
        "L'État en région, signataire du contrat-cadre pour accélérer la compétitivité de la filière "
        "numérique de Bourgogne-Franche-Comté (mars 2019).",
        "000",
        commune="21231",
        place="connu",
        acronym="État",
        tags=("État", "CAPéCO"),
    ),
    SeedActor(
        "cci-bfc",
        "CCI de Bourgogne-Franche-Comté",
        K.PUBLIC_BODY,
        "27",
        "Chambre de commerce et d'industrie régionale, où a été signé le contrat-cadre de la filière "
        "numérique le 7 mars 2019.",
        "000",
        commune="21231",
        place="connu",
        acronym="CCI BFC",
        tags=("chambre consulaire",),
    ),
    SeedActor(
        "bfc-numerique",
        "BFC numérique",
        K.CLUSTER,
        "27",
        "Cluster qui fédère les acteurs numériques du territoire (Numérica, Nicéphore Cité, Inkub…) "
        "et représente la filière numérique régionale : 1 500 entreprises, en grande majorité des "
        "TPE, 8 000 salariés, une croissance des effectifs de 14 % par an. Le réseau rassemble une "
        "offre de plus de 40 services, accompagne plus de 600 entreprises par an et déploie plus de "
        "50 évènements et opérations de communication/formation par an.",
        "000",
        commune="21231",
        place="connu",
        tags=("cluster", "filière numérique", "French Tech"),
    ),
    SeedActor(
        "numerica",
        "Numérica",
        K.TECHNOPOLE,
        "27",
        "Spécialiste des usages numériques innovants, à Montbéliard (25), membre du réseau BFC numérique.",
        "000",
        commune="25388",
        tags=("usages numériques innovants", "innovation"),
    ),
    SeedActor(
        "nicephore-cite",
        "Nicéphore Cité",
        K.TECHNOPOLE,
        "27",
        "À Chalon-sur-Saône (71), accompagne la transformation numérique des PME industrielles ; "
        "organise notamment la journée Conext Days. Membre du réseau BFC numérique.",
        "000",
        commune="71076",
        tags=("transformation numérique", "industrie", "Conext Days"),
    ),
    SeedActor(
        "inkub",
        "Inkub",
        K.INCUBATOR,
        "27",
        "Structure d'accompagnement de l'écosystème numérique régional, membre du réseau BFC "
        "numérique. L'article ne précise pas sa commune.",
        "000",
        place="",
        tags=("incubateur", "start-up"),
    ),
    # --- 001 Grand Est ---------------------------------------------------------------------------
    SeedActor(
        "region-ge",
        "Région Grand Est",
        K.PUBLIC_BODY,
        "44",
        "Conseil régional. Dans le cadre de sa stratégie Smart Region, partenariat avec le Syntec "
        "Numérique et Grand Enov : convention tripartite adoptée en commission permanente le "
        "22 novembre 2019, signée à Strasbourg, autour de 3 priorités (fédérer l'écosystème "
        "numérique ; compétences, formation et emploi ; usages et transformation numérique des "
        "territoires).",
        "001",
        commune="67482",
        place="connu",
        website="https://www.grandest.fr",
        tags=("conseil régional", "Smart Region"),
    ),
    SeedActor(
        "syntec-numerique",
        "Syntec Numérique",
        K.CLUSTER,
        "11",
        "Organisation professionnelle des entreprises de services du numérique (éditeurs de "
        "logiciels, sociétés de conseil en technologies, agences web) : 2 000 entreprises "
        "adhérentes qui réalisent 80 % du chiffre d'affaires du secteur. Signataire de la "
        "convention tripartite avec la Région Grand Est et Grand Enov ; a proposé de généraliser "
        "Numéric Emploi Grand Est au plan national. Devenue Numeum en 2021.",
        "001",
        commune="75108",
        place="connu",
        website="https://numeum.fr",
        tags=("organisation professionnelle", "ESN", "éditeurs de logiciels"),
    ),
    SeedActor(
        "grand-enov",
        "Grand Enov",
        K.PUBLIC_BODY,
        "44",
        "Agence régionale d'innovation du Grand Est, partie à la convention tripartite avec la Région "
        "et le Syntec Numérique ; travaille avec la Région sur les technologies émergentes (plan "
        "intelligence artificielle, cloud de confiance, objets connectés, blockchain, "
        "cybersécurité) et les filières prioritaires du SRDEII.",
        "001",
        commune="57463",
        place="connu",
        acronym="Grand E-nov",
        tags=("agence régionale d'innovation", "intelligence artificielle", "cybersécurité"),
    ),
    SeedActor(
        "nege",
        "Numéric Emploi Grand Est",
        K.TRAINING_BODY,
        "44",
        "Dispositif partenarial né en Région Alsace en 2013 : sélectionne, forme et réinsère des "
        "demandeurs d'emploi (jeunes sans formation ni qualification, informaticiens en "
        "reconversion) en fédérant Région, Pôle emploi, clusters numériques et entreprises. "
        "500 dossiers traités par an, 200 stagiaires, 90 % de retour à l'emploi.",
        "001",
        commune="67482",
        place="connu",
        acronym="NEGE",
        tags=("reconversion", "demandeurs d'emploi", "métiers en tension"),
    ),
    SeedActor(
        "pole-emploi-ge",
        "Pôle emploi Grand Est",
        K.PUBLIC_BODY,
        "44",
        "Service public de l'emploi, partenaire du dispositif Numéric Emploi Grand Est. Devenu "
        "France Travail en 2024.",
        "001",
        place="",
        tags=("emploi", "France Travail"),
    ),
    # --- 002 Nouvelle-Aquitaine ------------------------------------------------------------------
    SeedActor(
        "region-na",
        "Région Nouvelle-Aquitaine",
        K.PUBLIC_BODY,
        "75",
        "Conseil régional. Feuille de route de soutien à l'économie numérique 2018-2021 (séance "
        "plénière du 25 juin 2018), co-construite avec l'écosystème : 4 ambitions, 12 objectifs, "
        "pilotée par la Délégation numérique. L'économie numérique y emploie 60 000 personnes dans "
        "21 000 établissements.",
        "002",
        commune="33063",
        place="connu",
        website="https://www.nouvelle-aquitaine.fr",
        tags=("conseil régional", "feuille de route", "Région Start Up", "chèque transformation numérique"),
    ),
    SeedActor(
        "cite-numerique",
        "Cité numérique",
        K.THIRD_PLACE,
        "75",
        "Lieu emblème du développement de l'économie numérique en Nouvelle-Aquitaine, dans "
        "Bordeaux Métropole (Bègles).",
        "002",
        commune="33039",
        place="connu",
        tags=("tiers-lieu", "Bordeaux", "start-up"),
    ),
    SeedActor(
        "magelis",
        "Magelis",
        K.CLUSTER,
        "75",
        "Pôle image d'Angoulême : image, bande dessinée, animation et jeu vidéo. Angoulême et "
        "Bordeaux sont reconnues comme des places fortes de l'image et du jeu vidéo français.",
        "002",
        commune="16015",
        place="connu",
        tags=("pôle image", "jeu vidéo", "animation"),
    ),
    SeedActor(
        "enjmin",
        "ENJMIN",
        K.SCHOOL,
        "75",
        "École nationale du jeu et des médias interactifs numériques, à Angoulême : un des atouts "
        "de la filière image/jeu vidéo, secteur d'excellence de la feuille de route.",
        "002",
        commune="16015",
        place="connu",
        acronym="ENJMIN",
        tags=("jeu vidéo", "école", "médias interactifs"),
    ),
    SeedActor(
        "gamers-assembly",
        "Gamers Assembly",
        K.COMMUNITY,
        "75",
        "Rassemblement de joueurs (LAN party) cité parmi les atouts de la filière image/jeu vidéo "
        "en Nouvelle-Aquitaine.",
        "002",
        commune="86194",
        place="connu",
        tags=("jeu vidéo", "e-sport", "événement"),
    ),
    SeedActor(
        "cdiscount",
        "Cdiscount",
        K.COMPANY,
        "75",
        "Entreprise de commerce en ligne qui tire la communauté e-commerce de Nouvelle-Aquitaine "
        "(secteur du commerce connecté).",
        "002",
        commune="33063",
        place="connu",
        website="https://www.cdiscount.com",
        tags=("e-commerce", "commerce connecté"),
    ),
    SeedActor(
        "na-thd",
        "Nouvelle-Aquitaine THD",
        K.PUBLIC_BODY,
        "75",
        "Société publique locale qui regroupe 7 syndicats départementaux pour mutualiser "
        "l'exploitation et la commercialisation des réseaux d'initiative publique très haut débit.",
        "002",
        place="",
        acronym="SPL NA THD",
        tags=("très haut débit", "fibre optique", "SPL"),
    ),
    SeedActor(
        "ecole-regionale-numerique-na",
        "École régionale du numérique",
        K.TRAINING_BODY,
        "75",
        "Dispositif de la Région Nouvelle-Aquitaine pour former aux métiers du numérique "
        "(ambition 3 de la feuille de route : un capital humain riche de talents).",
        "002",
        place="",
        tags=("formation", "métiers du numérique"),
    ),
    SeedActor(
        "bpifrance",
        "Bpifrance",
        K.INVESTOR,
        "11",
        "Banque publique d'investissement, partenaire privilégié des fonds d'investissement "
        "auxquels participe la Région Nouvelle-Aquitaine.",
        "002",
        commune="94046",
        place="connu",
        acronym="BPI",
        website="https://www.bpifrance.fr",
        tags=("investissement", "financement"),
    ),
    # --- 003 Languedoc-Roussillon ----------------------------------------------------------------
    SeedActor(
        "region-occitanie",
        "Région Occitanie",
        K.PUBLIC_BODY,
        "76",
        "Conseil régional (issu en 2016 des régions Languedoc-Roussillon et Midi-Pyrénées). L'ancien "
        "Conseil régional Languedoc-Roussillon a incité au regroupement des clusters numériques "
        "pour rendre plus cohérents les financements des filières ; la Région Occitanie cofinance "
        "le marketing territorial du Syntec Numérique Occitanie.",
        "003",
        commune="31555",
        place="connu",
        website="https://www.laregion.fr",
        tags=("conseil régional", "Languedoc-Roussillon", "Midi-Pyrénées"),
    ),
    SeedActor(
        "digital-113",
        "Digital 113",
        K.CLUSTER,
        "76",
        "Cluster numérique régional né de la fédération de Media Cloud Cluster, Novae LR et PixLR "
        "(nom de code « South French Digital », annoncé au Digiworld Summit de Montpellier en 2014), "
        "structuré en collèges thématiques. Le secteur numérique régional compte plus de 4 200 "
        "établissements et 15 000 salariés.",
        "003",
        commune="34172",
        place="connu",
        tags=("cluster", "South French Digital"),
    ),
    SeedActor(
        "media-cloud-cluster",
        "Media Cloud Cluster",
        K.CLUSTER,
        "76",
        "Association consacrée au cloud, présidée par Alain Molinié ; fédérée dans le cluster "
        "numérique régional unique du Languedoc-Roussillon.",
        "003",
        commune="34172",
        place="connu",
        acronym="MCC",
        tags=("cloud",),
    ),
    SeedActor(
        "novae-lr",
        "Novae LR",
        K.CLUSTER,
        "76",
        "Filière de l'économie numérique du Languedoc-Roussillon, présidée par Grégory Cladera ; "
        "fédérée dans le cluster numérique régional unique.",
        "003",
        commune="34172",
        place="connu",
        tags=("économie numérique",),
    ),
    SeedActor(
        "pixlr",
        "PixLR",
        K.CLUSTER,
        "76",
        "Filière de la création numérique du Languedoc-Roussillon (Pix LR), présidée par David "
        "Mekersa ; fédérée dans le cluster numérique régional unique.",
        "003",
        commune="34172",
        place="connu",
        acronym="Pix LR",
        tags=("création numérique", "jeu vidéo"),
    ),
    SeedActor(
        "soledge",
        "Soledge",
        K.COMPANY,
        "76",
        "Entreprise représentée par Maryam Bini au collège Start-Ups & Entrepreneurs du cluster "
        "numérique régional.",
        "003",
        commune="34172",
        place="connu",
        tags=("start-up",),
    ),
    SeedActor(
        "nelis",
        "Nelis",
        K.COMPANY,
        "76",
        "Entreprise représentée par Katia Vidic au collège Start-Ups & Entrepreneurs du cluster "
        "numérique régional.",
        "003",
        commune="34172",
        place="connu",
        tags=("start-up",),
    ),
    SeedActor(
        "epitech",
        "Epitech",
        K.SCHOOL,
        "11",
        "École de l'innovation et de l'expertise informatique. Son campus de Montpellier est "
        "représenté par Thomas Fraisse au collège Enseignement supérieur & recherche du cluster.",
        "003",
        commune="34172",
        place="connu",
        website="https://www.epitech.eu",
        tags=("école", "informatique"),
        establishment="Epitech Montpellier",
    ),
    # --- 004 Occitanie ---------------------------------------------------------------------------
    SeedActor(
        "syntec-occitanie",
        "Syntec Numérique Occitanie",
        K.CLUSTER,
        "76",
        "Délégation régionale du Syntec Numérique (déléguée régionale : Anne Destouches). Sa cellule "
        "de crise C3SO, animée par Daniel Benchimol, estime entre 8 000 et 10 000 les emplois "
        "menacés sur 45 000 emplois du numérique en Occitanie, dont plus de 50 % à Toulouse et "
        "dans sa proche agglomération ; elle lance la plateforme TESC Force.",
        "004",
        commune="31555",
        place="article",
        tags=("organisation professionnelle", "ESN", "C3SO"),
    ),
    SeedActor(
        "tesc-force",
        "TESC Force",
        K.COMMUNITY,
        "76",
        "Toulouse Engineering Skills Center : plateforme en ligne où les entreprises (déjà une "
        "centaine) mettent en lumière leurs compétences (data, machine learning, ingénierie, "
        "management de projets) transférables de l'aéronautique vers le ferroviaire, le véhicule "
        "autonome, la santé, le retail ou la fintech.",
        "004",
        commune="31555",
        tags=("compétences", "data", "machine learning", "ingénierie"),
    ),
    SeedActor(
        "airbus",
        "Airbus",
        K.COMPANY,
        "76",
        "Avionneur, principal donneur d'ordre de la filière numérique en Occitanie ; le Syntec "
        "Numérique Occitanie organise avec son état-major des speed dating avec les ESN autour de "
        "projets de R&D (avion décarboné, performance industrielle).",
        "004",
        commune="31069",
        place="connu",
        naf="30.30Z",
        website="https://www.airbus.com",
        tags=("aéronautique", "donneur d'ordre"),
    ),
    SeedActor(
        "alten",
        "Alten",
        K.COMPANY,
        "11",
        "Grande ESN, participante aux speed dating avec Airbus organisés par le Syntec Numérique Occitanie.",
        "004",
        commune="31555",
        place="article",
        tags=("ESN", "ingénierie"),
        establishment="Alten Toulouse",
    ),
    SeedActor(
        "akka",
        "Akka Technologies",
        K.COMPANY,
        "11",
        "Grande ESN d'ingénierie, participante aux speed dating avec Airbus organisés par le Syntec "
        "Numérique Occitanie.",
        "004",
        commune="31555",
        place="article",
        acronym="Akka",
        tags=("ESN", "ingénierie"),
        establishment="Akka Toulouse",
    ),
    SeedActor(
        "capgemini",
        "Capgemini",
        K.COMPANY,
        "11",
        "Grande ESN, participante aux speed dating avec Airbus organisés par le Syntec Numérique Occitanie.",
        "004",
        commune="31555",
        place="article",
        tags=("ESN", "conseil"),
        establishment="Capgemini Toulouse",
    ),
    SeedActor(
        "u-need",
        "U-Need",
        K.COMPANY,
        "76",
        "PME régionale du numérique, participante aux speed dating avec Airbus.",
        "004",
        commune="31555",
        place="article",
        tags=("PME", "ESN"),
    ),
    SeedActor(
        "labsoft",
        "LabSoft",
        K.COMPANY,
        "76",
        "PME régionale du numérique, participante aux speed dating avec Airbus.",
        "004",
        commune="31555",
        place="article",
        tags=("PME", "logiciel"),
    ),
    SeedActor(
        "etat-occitanie",
        "Préfecture de la région Occitanie",
        K.PUBLIC_BODY,
        "76",
        "Services de l'État en région : cofinancent le chargé de mission marketing territorial du "
        "Syntec Numérique Occitanie ; négociation d'une zone franche numérique à Toulouse.",
        "004",
        commune="31555",
        place="connu",
        acronym="État",
        tags=("État", "zone franche numérique"),
    ),
    SeedActor(
        "toulouse-attractivite",
        "Agence d'attractivité de Toulouse Métropole",
        K.PUBLIC_BODY,
        "76",
        "Agence sur laquelle s'appuient les actions de prospection du marketing territorial du "
        "numérique toulousain.",
        "004",
        commune="31555",
        tags=("attractivité", "marketing territorial"),
    ),
    SeedActor(
        "team-france-export-occitanie",
        "Team France Export Occitanie",
        K.PUBLIC_BODY,
        "76",
        "Dispositif public d'accompagnement à l'international mobilisé pour la prospection hors "
        "aéronautique des entreprises du numérique d'Occitanie.",
        "004",
        commune="31555",
        place="connu",
        tags=("export", "international"),
    ),
)

#: Colleges. BFC numérique's are not listed in the article: ours are illustrative (flagged so).
COLLEGES: dict[str, tuple[tuple[str, str], ...]] = {
    "bfc-numerique": (
        ("Entreprises du numérique", "Collège de démonstration : TPE/PME et start-up adhérentes."),
        ("Structures d'accompagnement", "Collège de démonstration : Numérica, Nicéphore Cité, Inkub…"),
        ("Formation et recherche", "Collège de démonstration."),
        ("Acteurs publics et consulaires", "Collège de démonstration."),
    ),
    "digital-113": (
        ("Cloud", "Filière historique portée par Media Cloud Cluster (MCC)."),
        ("Économie numérique", "Filière historique portée par Novae LR."),
        ("Création numérique", "Filière historique portée par PixLR."),
        ("Start-Ups & Entrepreneurs", "Représenté par Maryam Bini (Soledge) et Katia Vidic (Nelis)."),
        ("Enseignement supérieur & recherche", "Représenté par Thomas Fraisse (Epitech)."),
    ),
}


@dataclass(frozen=True)
class SeedRelation:
    source: str
    kind: str
    target: str
    college: str = ""
    note: str = ""


SEED_RELATIONS: tuple[SeedRelation, ...] = (
    SeedRelation("numerica", MEMBER, "bfc-numerique", "Structures d'accompagnement"),
    SeedRelation("nicephore-cite", MEMBER, "bfc-numerique", "Structures d'accompagnement"),
    SeedRelation("inkub", MEMBER, "bfc-numerique", "Structures d'accompagnement"),
    SeedRelation("bfc-numerique", FUNDED, "region-bfc", note="Contrat d'appui à la performance (CAPéCO)"),
    SeedRelation("bfc-numerique", FUNDED, "etat-bfc", note="Contrat d'appui à la performance (CAPéCO)"),
    SeedRelation("bfc-numerique", PARTNER, "cci-bfc", note="Signature du contrat-cadre, mars 2019"),
    SeedRelation("syntec-numerique", PARTNER, "region-ge", note="Convention tripartite Smart Region, 2019"),
    SeedRelation("grand-enov", PARTNER, "syntec-numerique", note="Convention tripartite, 2019"),
    SeedRelation("grand-enov", FUNDED, "region-ge", note="Agence régionale d'innovation"),
    SeedRelation("nege", FUNDED, "region-ge"),
    SeedRelation("nege", PARTNER, "pole-emploi-ge"),
    SeedRelation("nege", PARTNER, "syntec-numerique", note="Proposé pour une généralisation nationale"),
    SeedRelation("cite-numerique", FUNDED, "region-na"),
    SeedRelation("magelis", FUNDED, "region-na"),
    SeedRelation("enjmin", PARTNER, "magelis"),
    SeedRelation("na-thd", PARTNER, "region-na", note="Réseaux d'initiative publique THD"),
    SeedRelation("ecole-regionale-numerique-na", FUNDED, "region-na"),
    SeedRelation("bpifrance", PARTNER, "region-na", note="Fonds d'investissement régionaux"),
    SeedRelation("media-cloud-cluster", MEMBER, "digital-113", "Cloud"),
    SeedRelation("novae-lr", MEMBER, "digital-113", "Économie numérique"),
    SeedRelation("pixlr", MEMBER, "digital-113", "Création numérique"),
    SeedRelation("soledge", MEMBER, "digital-113", "Start-Ups & Entrepreneurs"),
    SeedRelation("nelis", MEMBER, "digital-113", "Start-Ups & Entrepreneurs"),
    SeedRelation("epitech", MEMBER, "digital-113", "Enseignement supérieur & recherche"),
    SeedRelation("digital-113", FUNDED, "region-occitanie"),
    SeedRelation("syntec-occitanie", MEMBER, "syntec-numerique", note="Délégation régionale"),
    SeedRelation("tesc-force", FUNDED, "syntec-occitanie", note="Chargé de mission marketing territorial"),
    SeedRelation("tesc-force", FUNDED, "region-occitanie", note="Chargé de mission marketing territorial"),
    SeedRelation("tesc-force", FUNDED, "etat-occitanie", note="Chargé de mission marketing territorial"),
    SeedRelation("tesc-force", PARTNER, "digital-113", note="Recrutement du chargé de mission"),
    SeedRelation("airbus", PARTNER, "syntec-occitanie", note="Speed dating ESN × avionneur, 2020"),
    SeedRelation("alten", MEMBER, "tesc-force"),
    SeedRelation("akka", MEMBER, "tesc-force"),
    SeedRelation("capgemini", MEMBER, "tesc-force"),
    SeedRelation("u-need", MEMBER, "tesc-force"),
    SeedRelation("labsoft", MEMBER, "tesc-force"),
    SeedRelation("syntec-occitanie", PARTNER, "toulouse-attractivite", note="Marketing territorial"),
    SeedRelation("syntec-occitanie", PARTNER, "team-france-export-occitanie", note="Prospection"),
)

#: French Tech labels (from french_tech_labels_from_press.csv) tied to seed actors.
FRENCH_TECH_RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("bfc-numerique", "French Tech Bourgogne-Franche-Comte", "Réponse collective aux appels French Tech"),
    ("digital-113", "Montpellier Metropole numerique", "Labellisation French Tech de Montpellier, 2014"),
    ("cite-numerique", "French Tech Bordeaux", ""),
    ("syntec-occitanie", "French Tech Toulouse", ""),
)

#: Where the label rows name no city (or no commune): department or region only.
_LABEL_PLACES: dict[str, tuple[str, str]] = {
    "French Tech Bourgogne-Franche-Comte": ("27", ""),
    "French Tech Pays Basque": ("75", "64"),
    "French Tech Lot-et-Garonne": ("75", "47"),
    "French Tech Perigord": ("75", "24"),
    "French Tech Poitou-Charentes": ("75", ""),
    "French Tech Limousin": ("75", ""),
    "French Tech Paris-Saclay": ("11", "91"),
    "French Tech Marne-la-Vallee": ("11", "77"),
}


def french_tech_actors(communes: CommuneIndex, regions: set[str]) -> list[SeedActor]:
    """French Tech labelled communities in the demo regions, one per name, with the label years."""
    path = data_dir() / "ecosystem" / "french_tech_labels_from_press.csv"
    merged: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["nom"].strip()
            entry = merged.setdefault(name, {"labels": [], "cities": row["villes_citees"], "urls": []})
            entry["labels"].append(f"{row['label']} {row['annee_labellisation']} ({row['type']})")
            entry["urls"].append(row["source_url"])
    actors = []
    for name, entry in merged.items():
        cities = [c for c in entry["cities"].split(";") if c.strip()]
        region, department, commune = "", "", None
        if name in _LABEL_PLACES:
            region, department = _LABEL_PLACES[name]
        elif cities:
            found = communes.find_name(cities[0], regions=regions)
            if found:
                region, commune = found.region, found.code
        if region not in regions:
            continue
        description = (
            "Communauté labellisée French Tech : "
            + " ; ".join(entry["labels"])
            + ". Sources : "
            + " ".join(dict.fromkeys(entry["urls"]))
        )
        actors.append(
            SeedActor(
                f"french-tech:{name}",
                name,
                Kind.COMMUNITY,
                region,
                description,
                "french-tech",
                commune=commune,
                department=department,
                place="connu" if commune else "",
                tags=("French Tech", *(c.strip() for c in cities)),
            )
        )
    return actors


def _fingerprint(actor: SeedActor) -> str:
    return hashlib.md5(json.dumps(asdict(actor), sort_keys=True).encode(), usedforsecurity=False).hexdigest()


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    relations_created: int = 0
    colleges_created: int = 0
    by_key: dict[str, Organisation] = field(default_factory=dict)


def _org_fields(actor: SeedActor) -> dict[str, Any]:
    return {
        "name": actor.name,
        "kind": actor.kind,
        "acronym": actor.acronym,
        "description": actor.description,
        "website": actor.website,
        "naf_code": actor.naf,
        "tags": list(actor.tags),
    }


@transaction.atomic
def load_seed_actors(communes: CommuneIndex, regions: set[str]) -> SeedResult:
    """Create or update the seed actors, their colleges and relations; idempotent.

    Actors are keyed by `raw["demo_key"]`; an actor whose typed data did not change is left
    alone, and fields a person edited on the platform (`edited_fields`) are never overwritten.
    """
    result = SeedResult()
    actors = [*SEED_ACTORS, *french_tech_actors(communes, regions)]
    existing = {
        (org.raw or {}).get("demo_key"): org for org in Organisation.objects.filter(source=Source.SEED)
    }
    for actor in actors:
        fingerprint = _fingerprint(actor)
        raw = {"demo_key": actor.key, "seed": actor.seed, "place": actor.place}
        org = existing.get(actor.key)
        if org is not None and org.source_hash == fingerprint:
            result.unchanged += 1
            result.by_key[actor.key] = org
            continue
        fields = _org_fields(actor)
        if org is None:
            org = Organisation.objects.create(source=Source.SEED, raw=raw, source_hash=fingerprint, **fields)
            result.created += 1
        else:
            for name, value in fields.items():
                if name not in org.edited_fields:
                    setattr(org, name, value)
            org.raw, org.source_hash = raw, fingerprint
            org.save()
            org.establishments.filter(source=Source.SEED).delete()
            result.updated += 1
        establishment = build_establishment(
            org,
            commune=communes.get(actor.commune),
            name=actor.establishment,
            region_code=actor.region,
            department_code=actor.department,
            tags=actor.tags,
            is_head_office=not actor.establishment,
            raw=raw,
        )
        Establishment.objects.bulk_create([establishment])
        result.by_key[actor.key] = org

    colleges: dict[tuple[str, str], College] = {}
    for cluster_key, rows in COLLEGES.items():
        for name, description in rows:
            college, created = College.objects.get_or_create(
                cluster=result.by_key[cluster_key], name=name, defaults={"description": description}
            )
            colleges[cluster_key, name] = college
            result.colleges_created += created

    relations = [
        (rel.source, rel.kind, rel.target, colleges.get((rel.target, rel.college)), rel.note)
        for rel in SEED_RELATIONS
    ]
    for source, label, note in FRENCH_TECH_RELATIONS:
        if f"french-tech:{label}" in result.by_key:
            relations.append((source, PARTNER, f"french-tech:{label}", None, note))
    for source, kind, target, college, note in relations:
        _, created = Relation.objects.get_or_create(
            source=result.by_key[source],
            target=result.by_key[target],
            kind=kind,
            defaults={"college": college, "note": note},
        )
        result.relations_created += created
    return result
