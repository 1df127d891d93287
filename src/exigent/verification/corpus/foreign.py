"""Police forces outside the US: their real mail domains, phone areas, ranks and own law.

A genuine foreign force cites its own country's law for an emergency request and writes
from its own numbering plan; a fake one tends to cite US statute (which does not bind it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ForeignForce:
    name: str
    country: str
    domain: str
    place: str
    zone: str
    phone_prefixes: tuple[str, ...]  # E.164 prefixes including the area code
    phone_length: int  # total digits after the "+"
    ranks: tuple[str, ...]
    laws: tuple[str, ...]
    emergency_line: str
    case_formats: tuple[str, ...]  # str.format patterns with {n}, {yy}, {yyyy}, {dd}{mon}


UK_RANKS = (
    "Police Constable",
    "Detective Constable",
    "Police Sergeant",
    "Detective Sergeant",
    "Inspector",
    "Detective Inspector",
    "Chief Inspector",
)
UK_LAWS = (
    "DPA 2018 Schedule 2 Part 1 Paragraph 2 - prevention of serious harm",
    "Data Protection Act 2018, Schedule 2, Part 1, para 2 (threat to life)",
    "Data Protection Act 2018 s.15 and Sch. 2 Pt 1 para 2; Article 2 ECHR",
    "UK GDPR Art. 6(1)(d) vital interests; DPA 2018 Sch. 2 para 2",
    "Investigatory Powers Act 2016 - urgent request; DPA 2018 Sch. 2 Pt 1 para 2",
)
UK_CASES = ("CAD {n4}/{dd}{mon}{yy}", "{force}-{yyyy}{n6}", "{n2}/{n5}/{yy}", "OP-{n6}-{yy}")
CA_RANKS = ("Constable", "Detective Constable", "Sergeant", "Staff Sergeant", "Detective")
CA_LAWS = (
    "PIPEDA s. 7(3)(e); Criminal Code s. 487.11 (exigent circumstances)",
    "Personal Information Protection and Electronic Documents Act, s. 7(3)(e)",
    "PIPEDA paragraph 7(3)(e) - emergency threatening life, health or security",
)
CA_CASES = ("{yyyy}-{n7}", "{force}{yy}{n6}", "GO {yyyy}-{n6}")
AU_RANKS = ("Senior Constable", "Detective Senior Constable", "Sergeant", "Detective Sergeant")
AU_LAWS = (
    "Privacy Act 1988 (Cth), APP 6.2(c) - serious threat to life, health or safety",
    "Telecommunications Act 1997 s. 287; Privacy Act 1988 APP 6.2(c)",
)
AU_CASES = ("E{n8}", "{force}-{yy}-{n6}", "COPS {n8}")
NZ_LAWS = ("Privacy Act 2020, Information Privacy Principle 11(f)(ii) - serious threat",)


def _uk(name: str, domain: str, place: str, prefixes: tuple[str, ...]) -> ForeignForce:
    return ForeignForce(
        name,
        "GB",
        domain,
        place,
        "Europe/London",
        prefixes,
        12,
        UK_RANKS,
        UK_LAWS,
        "999",
        UK_CASES,
    )


def _ca(name: str, domain: str, place: str, prefixes: tuple[str, ...], zone: str) -> ForeignForce:
    return ForeignForce(
        name, "CA", domain, place, zone, prefixes, 11, CA_RANKS, CA_LAWS, "911", CA_CASES
    )


def _au(name: str, domain: str, place: str, prefixes: tuple[str, ...], zone: str) -> ForeignForce:
    return ForeignForce(
        name, "AU", domain, place, zone, prefixes, 11, AU_RANKS, AU_LAWS, "000", AU_CASES
    )


FOREIGN_FORCES: tuple[ForeignForce, ...] = (
    _uk("Kent Police", "kent.police.uk", "Maidstone", ("+441622",)),
    _uk("Surrey Police", "surrey.police.uk", "Guildford", ("+441483",)),
    _uk("Metropolitan Police Service", "met.police.uk", "London", ("+44203", "+44207")),
    _uk("British Transport Police", "btp.police.uk", "London", ("+44203",)),
    _uk("Greater Manchester Police", "gmp.police.uk", "Manchester", ("+44161",)),
    _uk("West Midlands Police", "westmidlands.police.uk", "Birmingham", ("+44121",)),
    _uk("West Yorkshire Police", "westyorkshire.police.uk", "Leeds", ("+44113",)),
    _uk("Merseyside Police", "merseyside.police.uk", "Liverpool", ("+44151",)),
    _uk("Police Scotland", "scotland.police.uk", "Glasgow", ("+44141", "+44131")),
    _uk("North Wales Police", "north-wales.police.uk", "Colwyn Bay", ("+441492",)),
    _uk("Avon and Somerset Constabulary", "avonandsomerset.police.uk", "Bristol", ("+44117",)),
    _uk("Cheshire Constabulary", "cheshire.police.uk", "Chester", ("+441244",)),
    _uk("Dorset Police", "dorset.police.uk", "Bournemouth", ("+441202",)),
    _uk("Thames Valley Police", "thamesvalley.police.uk", "Oxford", ("+441865",)),
    _uk("Police Service of Northern Ireland", "psni.police.uk", "Belfast", ("+44289",)),
    _uk("Devon and Cornwall Police", "devon-cornwall.police.uk", "Exeter", ("+441392",)),
    _ca("York Regional Police", "yrp.ca", "Aurora", ("+1905",), "America/Toronto"),
    _ca("Toronto Police Service", "torontopolice.on.ca", "Toronto", ("+1416",), "America/Toronto"),
    _ca("Ottawa Police Service", "ottawapolice.ca", "Ottawa", ("+1613",), "America/Toronto"),
    _ca("Winnipeg Police Service", "winnipeg.ca", "Winnipeg", ("+1204",), "America/Winnipeg"),
    _ca("Calgary Police Service", "calgarypolice.ca", "Calgary", ("+1403",), "America/Edmonton"),
    _ca("Vancouver Police Department", "vpd.ca", "Vancouver", ("+1604",), "America/Vancouver"),
    _ca("Peel Regional Police", "peelpolice.ca", "Brampton", ("+1905",), "America/Toronto"),
    _ca("Royal Canadian Mounted Police", "rcmp-grc.gc.ca", "Ottawa", ("+1613",), "America/Toronto"),
    _au("NSW Police Force", "police.nsw.gov.au", "Sydney", ("+612",), "Australia/Sydney"),
    _au("Victoria Police", "police.vic.gov.au", "Melbourne", ("+613",), "Australia/Melbourne"),
    _au(
        "Queensland Police Service",
        "police.qld.gov.au",
        "Brisbane",
        ("+617",),
        "Australia/Brisbane",
    ),
    _au(
        "Western Australia Police Force", "police.wa.gov.au", "Perth", ("+618",), "Australia/Perth"
    ),
    _au("Australian Federal Police", "afp.gov.au", "Canberra", ("+612",), "Australia/Sydney"),
    ForeignForce(
        "New Zealand Police",
        "NZ",
        "police.govt.nz",
        "Wellington",
        "Pacific/Auckland",
        ("+644", "+649"),
        10,
        ("Constable", "Detective", "Sergeant", "Detective Sergeant"),
        NZ_LAWS,
        "111",
        ("{yymmdd}/{n4}", "NIA {n9}"),
    ),
    ForeignForce(
        "An Garda Siochana",
        "IE",
        "garda.ie",
        "Dublin",
        "Europe/Dublin",
        ("+3531",),
        11,
        ("Garda", "Detective Garda", "Sergeant", "Detective Sergeant", "Inspector"),
        (
            "Data Protection Act 2018 (Ireland) s. 41(b) - prevention of a threat to life",
            "GDPR Art. 6(1)(d); Data Protection Act 2018 (Ireland) s. 41",
        ),
        "112",
        ("PULSE {n8}", "IE-{yyyy}-{n6}"),
    ),
    ForeignForce(
        "Bayerische Polizei",
        "DE",
        "polizei.bayern.de",
        "Muenchen",
        "Europe/Berlin",
        ("+4989", "+49911"),
        12,
        (
            "Kriminalkommissar",
            "Polizeioberkommissar",
            "Kriminalhauptkommissar",
            "Polizeihauptmeister",
        ),
        (
            "Paragraph 100j StPO; Art. 43 PAG (Gefahr fuer Leib oder Leben)",
            "§ 100j StPO i.V.m. Art. 43 BayPAG - gegenwaertige Gefahr fuer Leib oder Leben",
        ),
        "110",
        ("BY{n7}-{yyyy}", "{yyyy}/{n6}"),
    ),
    ForeignForce(
        "Polizei Nordrhein-Westfalen",
        "DE",
        "polizei.nrw.de",
        "Duesseldorf",
        "Europe/Berlin",
        ("+49211", "+49221"),
        12,
        ("Kriminalkommissarin", "Polizeikommissar", "Kriminaloberkommissar"),
        ("§ 100j StPO; § 34a PolG NRW (Gefahr fuer Leib oder Leben)",),
        "110",
        ("NW-{yyyy}-{n6}",),
    ),
    ForeignForce(
        "Politie Nederland",
        "NL",
        "politie.nl",
        "Amsterdam",
        "Europe/Amsterdam",
        ("+3120", "+31885"),
        11,
        ("Brigadier", "Hoofdagent", "Rechercheur", "Inspecteur"),
        (
            "Art. 126na Wetboek van Strafvordering; art. 3 Politiewet 2012",
            "Art. 126ng Sv (vordering gegevens) in urgent geval; art. 3 Politiewet 2012",
        ),
        "112",
        ("{yyyy}/{n6}", "PL{n4}-{yyyy}{n6}"),
    ),
    ForeignForce(
        "Polisen (Swedish Police Authority)",
        "SE",
        "polisen.se",
        "Stockholm",
        "Europe/Stockholm",
        ("+468",),
        11,
        ("Polisinspektör", "Kriminalinspektör", "Polisassistent"),
        ("Lag (2012:278) om inhämtning av uppgifter; brottsdatalagen (2018:1177) 2 kap.",),
        "112",
        ("{n4}-K{n6}-{yy}",),
    ),
    ForeignForce(
        "Policia Nacional",
        "ES",
        "policia.es",
        "Madrid",
        "Europe/Madrid",
        ("+3491",),
        11,
        ("Inspector", "Subinspector", "Agente", "Oficial de Policia"),
        ("Art. 588 ter j LECrim; LO 7/2021, art. 7 - riesgo grave para la vida",),
        "112",
        ("ATT-{n6}/{yy}", "{yyyy}-{n6}"),
    ),
    ForeignForce(
        "Police nationale",
        "FR",
        "interieur.gouv.fr",
        "Paris",
        "Europe/Paris",
        ("+331",),
        11,
        ("Capitaine de police", "Lieutenant de police", "Brigadier-chef", "Commandant de police"),
        ("Art. 60-1 et 77-1-1 du Code de procedure penale; art. 6 RGPD (interets vitaux)",),
        "17",
        ("PV {n5}/{yyyy}", "{yyyy}/{n6}"),
    ),
    ForeignForce(
        "Polizia di Stato",
        "IT",
        "poliziadistato.it",
        "Roma",
        "Europe/Rome",
        ("+3906",),
        12,
        ("Ispettore", "Sovrintendente", "Commissario", "Vice Ispettore"),
        ("Art. 132 D.Lgs. 196/2003; art. 6(1)(d) GDPR - pericolo per la vita",),
        "112",
        ("{n6}/{yyyy}",),
    ),
    ForeignForce(
        "Politiet (Norwegian Police Service)",
        "NO",
        "politiet.no",
        "Oslo",
        "Europe/Oslo",
        ("+4722",),
        10,
        ("Politioverbetjent", "Politibetjent", "Politiførstebetjent"),
        ("Politiloven § 12 (nødrett); ekomloven § 3-9",),
        "112",
        ("{n8}", "{yy}-{n6}"),
    ),
    ForeignForce(
        "Politi (Danish National Police)",
        "DK",
        "politi.dk",
        "Copenhagen",
        "Europe/Copenhagen",
        ("+4545", "+4533"),
        10,
        ("Politiassistent", "Politikommissær"),
        ("Retsplejeloven § 804; databeskyttelseslovens § 6 (vitale interesser)",),
        "112",
        ("{n4}-{n5}-{n5}-{yy}",),
    ),
    ForeignForce(
        "Policja (Polish Police)",
        "PL",
        "policja.gov.pl",
        "Warszawa",
        "Europe/Warsaw",
        ("+4822",),
        11,
        ("Aspirant", "Komisarz", "Podkomisarz", "Sierżant"),
        ("Art. 20c ustawy o Policji - zagrożenie życia lub zdrowia",),
        "112",
        ("RSD-{n5}/{yy}", "{n4}/{yy}"),
    ),
)
