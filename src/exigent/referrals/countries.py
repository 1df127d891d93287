"""ISO 3166-1 alpha-2 codes, as the IANA time zone database lists them (its iso3166.tab).

A referral's EU facts name countries; a code that names none is refused rather than kept,
since the Member State concerned is read from it.
"""

from __future__ import annotations

_ALL = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """
COUNTRY_CODES = frozenset(_ALL.split())

# The Member States of the European Union (DSA Art. 18 is about these).
_EU = """
    AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
    """
EU_MEMBER_STATES = frozenset(_EU.split())


def known_country(value: str) -> str:
    """The code in upper case, or ValueError when it names no country."""
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"{value.strip()!r} is not an ISO 3166-1 alpha-2 country code")
    return code
