"""Email envelope facts: the receiving server's Authentication-Results and the sending IP.

Real receiving gateways write the header differently (Google, Microsoft 365, Proofpoint,
Mimecast, a plain Postfix with OpenDKIM/OpenDMARC); a model must read all of them. The
sending IP comes from the network that really hosts the sender's mail.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

# Networks that relay mail for hosted domains, and consumer providers' own outbound ranges.
HOSTS = {
    "microsoft": (
        "40.107.{a}.{b}",
        "52.100.{a}.{b}",
        "52.101.{a}.{b}",
        "40.93.{a}.{b}",
        "2a01:111:f400::{h}:{h}",
        "2a01:111:f403:{h}::{h}",
    ),
    "google": ("209.85.{a}.{b}", "74.125.{a}.{b}", "2607:f8b0:4864:20::{h}"),
    "proofpoint": ("148.163.{a}.{b}", "67.231.{a}.{b}", "205.220.{a}.{b}"),
    "mimecast": ("205.139.110.{b}", "207.211.30.{b}", "170.10.133.{b}", "216.205.24.{b}"),
    "onprem": (
        "24.{a}.{b}.{c}",
        "50.{a}.{b}.{c}",
        "65.{a}.{b}.{c}",
        "96.{a}.{b}.{c}",
        "108.{a}.{b}.{c}",
        "174.{a}.{b}.{c}",
        "198.{a}.{b}.{c}",
        "206.{a}.{b}.{c}",
        "12.{a}.{b}.{c}",
        "64.{a}.{b}.{c}",
        "71.{a}.{b}.{c}",
        "209.{a}.{b}.{c}",
    ),
    "zoho": ("136.143.{a}.{b}",),
    "vps": (
        "45.61.{a}.{b}",
        "193.32.{a}.{b}",
        "91.92.{a}.{b}",
        "89.38.{a}.{b}",
        "185.220.101.{b}",
        "5.181.{a}.{b}",
        "198.23.{a}.{b}",
        "104.168.{a}.{b}",
        "146.70.{a}.{b}",
        "103.75.{a}.{b}",
        "23.94.{a}.{b}",
        "192.3.{a}.{b}",
        "172.245.{a}.{b}",
        "45.134.{a}.{b}",
        "194.87.{a}.{b}",
        "80.66.{a}.{b}",
    ),
}
PROVIDER_NETWORKS = {
    "gmail.com": ("209.85.{a}.{b}", "2607:f8b0:4864:20::{h}"),
    "yahoo": ("98.137.{a}.{b}", "66.163.{a}.{b}", "74.6.{a}.{b}"),
    "aol.com": ("66.163.{a}.{b}", "74.6.{a}.{b}"),
    "outlook": ("40.92.{a}.{b}", "2a01:111:f403:{h}::{h}"),
    "proton": ("185.70.42.{b}", "185.70.43.{b}", "185.70.40.{b}"),
    "icloud": ("17.57.{a}.{b}", "17.58.{a}.{b}"),
    "gmx": ("212.227.{a}.{b}", "74.208.{a}.{b}"),
    "yandex": ("77.88.{a}.{b}", "5.255.{a}.{b}"),
    "mailru": ("94.100.{a}.{b}", "217.69.{a}.{b}"),
    "zoho": ("136.143.{a}.{b}",),
    "fastmail": ("103.168.172.{b}", "66.111.4.{b}"),
    "tuta": ("81.3.6.{b}",),
    "other": ("213.{a}.{b}.{c}", "195.{a}.{b}.{c}", "62.{a}.{b}.{c}", "202.{a}.{b}.{c}"),
}
RECEIVER_FORMATS = ("google", "microsoft", "proofpoint", "mimecast", "postfix")


def _fill(rng: random.Random, pattern: str) -> str:
    return pattern.format(
        a=rng.randint(1, 254),
        b=rng.randint(1, 254),
        c=rng.randint(1, 254),
        h=f"{rng.randint(0x100, 0xFFFF):x}",
    )


def host_ip(rng: random.Random, network: str) -> str:
    return _fill(rng, rng.choice(HOSTS[network]))


def provider_ip(rng: random.Random, provider_domain: str) -> str:
    for key, patterns in PROVIDER_NETWORKS.items():
        if key in provider_domain:
            return _fill(rng, rng.choice(patterns))
    if provider_domain in ("hotmail.com", "live.com", "msn.com"):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["outlook"]))
    if provider_domain in ("ymail.com", "rocketmail.com"):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["yahoo"]))
    if provider_domain in ("pm.me",):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["proton"]))
    if provider_domain in ("me.com", "mac.com"):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["icloud"]))
    if provider_domain in ("mail.com", "email.com", "web.de", "usa.com"):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["gmx"]))
    if provider_domain in ("tutanota.com", "tutamail.com"):
        return _fill(rng, rng.choice(PROVIDER_NETWORKS["tuta"]))
    return _fill(rng, rng.choice(PROVIDER_NETWORKS["other"]))


@dataclass(frozen=True, slots=True)
class AuthOutcome:
    """What the receiving server concluded: spf, dkim, dmarc each pass/fail/none/..."""

    spf: str
    dkim: str
    dmarc: str

    @classmethod
    def passing(cls) -> AuthOutcome:
        return cls("pass", "pass", "pass")


def _token(rng: random.Random, length: int = 8) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(length))


def _policy(rng: random.Random) -> str:
    return rng.choice(("NONE", "NONE", "QUARANTINE", "REJECT"))


def authentication_results(
    rng: random.Random,
    mailfrom: str,
    domain: str,
    ip: str,
    outcome: AuthOutcome,
    receiver: str,
    dkim_domain: str | None = None,
) -> str:
    """One Authentication-Results header as the chosen receiving gateway writes it."""
    signer = dkim_domain or domain
    return {
        "google": _google,
        "microsoft": _microsoft,
        "proofpoint": _proofpoint,
        "mimecast": _mimecast,
        "postfix": _postfix,
    }[receiver](rng, mailfrom, domain, ip, outcome, signer)


def _google(
    rng: random.Random, mailfrom: str, domain: str, ip: str, o: AuthOutcome, signer: str
) -> str:
    selector = rng.choice(("google", "selector1", "selector2", "s1", "k1", "dkim", "s2048"))
    dkim = (
        f"dkim={o.dkim} header.i=@{signer} header.s={selector} header.b={_token(rng)}"
        if o.dkim != "none"
        else "dkim=none"
    )
    spf_reason = {
        "pass": f"domain of {mailfrom} designates {ip} as permitted sender",
        "fail": f"domain of {mailfrom} does not designate {ip} as permitted sender",
        "softfail": f"domain of transitioning {mailfrom} does not designate {ip} as "
        "permitted sender",
        "neutral": f"{ip} is neither permitted nor denied by best guess record for domain "
        f"of {mailfrom}",
        "none": f"{ip} is neither permitted nor denied by domain of {mailfrom}",
    }.get(o.spf, f"domain of {mailfrom} designates {ip} as permitted sender")
    spf = f"spf={o.spf} (google.com: {spf_reason}) smtp.mailfrom={mailfrom}"
    if o.dmarc == "none":
        dmarc = f"dmarc=none header.from={domain}"
    else:
        p = _policy(rng)
        dmarc = (
            f"dmarc={o.dmarc} (p={p} sp={p} dis={'NONE' if o.dmarc == 'pass' else p}) "
            f"header.from={domain}"
        )
    return f"mx.google.com; {dkim}; {spf}; {dmarc}"


def _microsoft(
    rng: random.Random, mailfrom: str, domain: str, ip: str, o: AuthOutcome, signer: str
) -> str:
    dkim = (
        "dkim=none (message not signed) header.d=none"
        if o.dkim == "none"
        else f"dkim={o.dkim} (signature was {'verified' if o.dkim == 'pass' else 'not verified'})"
        f" header.d={signer}"
    )
    compauth = (
        "compauth=pass reason=100"
        if o.dmarc == "pass"
        else "compauth=softpass reason=201"
        if o.spf == "pass"
        else f"compauth=fail reason={rng.choice(('000', '001', '601'))}"
    )
    action = (
        "none" if o.dmarc in ("pass", "none") else rng.choice(("none", "quarantine", "oreject"))
    )
    return (
        f"spf={o.spf} (sender IP is {ip}) smtp.mailfrom={mailfrom.rpartition('@')[2]}; {dkim};"
        f"dmarc={o.dmarc} action={action} header.from={domain};{compauth}"
    )


def _proofpoint(
    rng: random.Random, mailfrom: str, domain: str, ip: str, o: AuthOutcome, signer: str
) -> str:
    host = f"mx0{rng.choice('ab')}-00{rng.randint(100000, 999999)}.pphosted.com"
    parts = [host, f"spf={o.spf} smtp.mailfrom={mailfrom} smtp.remote-ip={ip}"]
    parts.append(f"dkim={o.dkim} header.d={signer}" if o.dkim != "none" else "dkim=none")
    parts.append(f"dmarc={o.dmarc} (p={_policy(rng).lower()}) header.from={domain}")
    return "; ".join(parts)


def _mimecast(
    rng: random.Random, mailfrom: str, domain: str, ip: str, o: AuthOutcome, signer: str
) -> str:
    host = rng.choice(
        ("relay.mimecast.com", "us-smtp-inbound-1.mimecast.com", "us-smtp-delivery-1.mimecast.com")
    )
    dkim = (
        f"dkim={o.dkim} header.d={signer} header.s={rng.choice(('mc1', 'sel1', 'k2'))} "
        f"header.b={_token(rng)}"
        if o.dkim != "none"
        else "dkim=none"
    )
    verdict = "designates" if o.spf == "pass" else "does not designate"
    spf = (
        f"spf={o.spf} ({host}: domain of {mailfrom} {verdict} {ip} as permitted sender) "
        f"smtp.mailfrom={mailfrom}"
    )
    dmarc = f"dmarc={o.dmarc} (policy={_policy(rng).lower()}) header.from={domain}"
    return f"{host}; {dkim}; {dmarc}; {spf}"


def _postfix(
    rng: random.Random, mailfrom: str, domain: str, ip: str, o: AuthOutcome, signer: str
) -> str:
    helo = mailfrom.rpartition("@")[2]
    host = rng.choice(("mail.platform.example", "mx1.trust-mail.example", "inbound.ert.example"))
    dkim = (
        f"dkim={o.dkim} ({rng.choice(('1024', '2048'))}-bit key; "
        f"{rng.choice(('unprotected', 'secure'))}) header.d={signer} header.i=@{signer} "
        f'header.b="{_token(rng)}"'
        if o.dkim != "none"
        else "dkim=none"
    )
    return (
        f"{host}; {dkim}; spf={o.spf} smtp.mailfrom={mailfrom} smtp.helo={helo}; "
        f"dmarc={o.dmarc} (p={_policy(rng).lower()} dis=none) header.from={domain}"
    )


def display_from(rng: random.Random, title: str, name: str, address: str) -> str:
    """The From header: a bare address, or with a display name as mail clients write it."""
    return rng.choice(
        (
            address,
            address,
            f"{title} {name} <{address}>",
            f"{name} <{address}>",
            f'"{name.split()[-1]}, {name.split()[0]}" <{address}>',
        )
    )
