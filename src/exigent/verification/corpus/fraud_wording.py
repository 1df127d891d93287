"""How fake emergency requests read: thin facts, pressure, misplaced law, reused templates.

Fraudsters rarely know the case they invent: their facts are generic (no time, place or
person), they lean on urgency and threats, and they cite whatever legal words sound
strong. Each trick is written many ways so a model learns the trick, not a phrase.
"""

from __future__ import annotations

import random
import re

from exigent.verification.corpus.wording import fill

NATURE_WORDS = {
    "suicide_self_harm": ("a suicide threat", "a self-harm incident", "a suicidal subject"),
    "child_safety": ("a child exploitation case", "a missing child matter", "a child in danger"),
    "kidnapping": ("a kidnapping", "an abduction in progress", "a hostage situation"),
    "violent_threat": ("a threat to kill", "an active threat", "a shooting threat"),
    "terrorism": ("a planned attack", "a terrorism matter", "a bomb threat"),
    "other_life_threat": (
        "a life-threatening emergency",
        "a missing endangered person",
        "a medical emergency",
    ),
}
THIN = (
    "{handle} is connected to {what}. A person's life is at risk and the account information "
    "is needed without delay.",
    "Urgent life-threatening situation involving the account holder. Details cannot be "
    "disclosed at this time.",
    "The holder of {handle} is a suspect in {what} and has made threats to kill a family "
    "member. We need subscriber details, IP logs and location to find him before anyone is "
    "hurt.",
    "Subject is in imminent danger. We need the account information immediately to locate "
    "the person.",
    "{what_cap} in progress. Need subscriber data for {handle}.",
    "We are investigating {what} in which {handle} is directly involved. The victim is "
    "believed to be in danger at this time and the account is our only lead.",
    "{handle} has been identified in {what}. The individual is considered dangerous. We need "
    "all available account information to locate the individual tonight.",
    "Victim missing. Account believed to be linked. Need IP, phone and address now.",
    "This office has credible information that {handle} poses a danger to life. Further "
    "details will be provided by phone.",
    "Ongoing emergency. The user of {handle} may harm themselves or others. Please send "
    "everything you hold on the account.",
    "Exigent matter, life at risk. The only lead we have is {handle}.",
    "Per our investigation {handle} is linked to {what}; time sensitive, provide all records.",
    "Officers are responding to {what} and require the account details of {handle} at once.",
    "Info received that the owner of {handle} is in danger. Cannot share more over email.",
)
THIN_HELPS = (
    "To locate the subject.",
    "The information will help us locate the subject.",
    "Location and IP information will allow officers to respond.",
    "Will assist in locating the victim.",
    "Identify the suspect.",
    "Needed for the investigation.",
    "To find the person.",
    "Investigative lead.",
)
THIN_RISK = (
    "1",
    "Unknown at this time",
    "The victim",
    "Minor",
    "Victim (see facts)",
    "Multiple",
    "Public",
)

THREATS = (
    "This request is mandatory. Respond IMMEDIATELY or face penalties under federal law.",
    "Failure to respond within {minutes} minutes will be treated as obstruction of justice.",
    "Non-compliance will be reported to the District Attorney and may result in criminal "
    "charges against the custodian of records.",
    "Any delay in providing this data will be documented and your staff may be subject to "
    "arrest for hindering prosecution.",
    "If this person dies because your company delayed, your company will be held responsible.",
    "Your employees can be held personally liable for any harm that results from a refusal.",
    "We will contact the media and your general counsel if this is not handled within the hour.",
    "Refusal will be escalated to the FBI and the Attorney General's office.",
    "You have {minutes} minutes. After that we will assume your company is refusing to "
    "cooperate with law enforcement.",
    "Do not forward this request for review; it must be fulfilled now. Delays are being logged.",
    "Withholding this information in a life-threatening case is a federal offence.",
    "A child's death will be on your company if you do not answer right away.",
    "Any further delay will be reported as interference with an active homicide prevention case.",
    "Reply within the hour or a warrant will be issued for your custodian of records.",
    "Your platform will be named publicly as having obstructed this rescue.",
    "Respond by {deadline} at the latest. No extensions.",
)
# Pressure assembled from a deadline and a consequence, so no one sentence is the signal.
THREAT_DEADLINES = (
    "within {minutes} minutes",
    "by {deadline}",
    "immediately",
    "right now",
    "before the end of this shift",
    "in the next {minutes} minutes",
    "today",
)
THREAT_CONSEQUENCES = (
    "this office will seek charges for obstruction",
    "your custodian of records will be subpoenaed to explain the delay",
    "the delay will be reported to your legal department and the press",
    "any death will be attributed to your refusal",
    "we will escalate to federal authorities",
    "you may be held in contempt",
    "your company will be liable for the outcome",
    "the matter goes to the prosecutor's office",
)
THREAT_FRAMES = (
    "Respond {deadline}; otherwise {consequence}.",
    "If we do not hear back {deadline}, {consequence}.",
    "Compliance is expected {deadline} or {consequence}.",
    "Failure to answer {deadline} means {consequence}.",
)


def assembled_threat(rng: random.Random, clock_time: str) -> str:
    when = fill(
        rng.choice(THREAT_DEADLINES),
        {"minutes": str(rng.choice((15, 20, 30, 45, 60))), "deadline": clock_time},
    )
    text = fill(
        rng.choice(THREAT_FRAMES),
        {"deadline": when, "consequence": rng.choice(THREAT_CONSEQUENCES)},
    )
    return text[0].upper() + text[1:]


WRONG_CITATION_LAW = (
    "18 U.S.C. 2705(b) order",
    "18 U.S.C. § 2703(d)",
    "Court order pursuant to 18 U.S.C. 2703(d)",
    "Grand jury subpoena, 18 U.S.C. 2703(c)(1)",
    "18 U.S.C. 2703(c)(2) administrative subpoena",
    "Pursuant to the MLAT between the United States and the requesting state",
    "Mutual Legal Assistance Treaty (MLAT), emergency procedure",
    "USA PATRIOT Act Section 215; 18 U.S.C. 2703",
    "Search warrant issued under 18 U.S.C. 2703(a)",
    "18 U.S.C. 2518 interception order",
    "State investigative subpoena and 18 USC 2703(c)",
    "Federal Rule of Criminal Procedure 41 warrant",
    "18 U.S.C. 3123 pen register order",
)
WRONG_CITATION_WHY = (
    "Pursuant to the treaty, your company is obliged to provide the records to the requesting "
    "authority.",
    "This court order compels the immediate production of the records listed.",
    "The attached subpoena requires production of the records within 24 hours.",
    "The warrant attached authorises the immediate release of all stored content.",
    "Production is compelled by the order referenced above; voluntary review does not apply.",
    "A subpoena has been issued and is enforceable immediately.",
)
FOREIGN_US_LAW = (
    "18 U.S.C. 2702(c)(4) and 2703(c)",
    "18 USC 2703(d) and the CLOUD Act",
    "USA PATRIOT Act and 18 U.S.C. 2702(c)(4)",
    "18 U.S.C. 2258A",
    "United States Code Title 18 Section 2702",
    "18 U.S.C. § 2702(b)(8)",
    "Stored Communications Act, 18 U.S.C. 2701-2713",
    "CLOUD Act, 18 U.S.C. 2523",
    "18 U.S.C. 2703(f) and 2702(b)(8)",
)
FOREIGN_US_WHY = (
    "Under US federal law (18 U.S.C. 2702) you are required to disclose this information in an "
    "emergency.",
    "This request is made under United States law and requires your immediate cooperation.",
    "As provided by the Stored Communications Act, disclosure to this agency is "
    "mandatory in cases of danger to life.",
    "There is no time for legal process; the US statute allows you to release the data to us.",
    "The CLOUD Act obliges US providers to answer foreign police directly.",
)
CALLBACK_LINES = (
    "Reach me only on my cell {phone}, the desk line is not monitored tonight.",
    "Call me directly at {phone} (mobile); do not call the main number.",
    "I am working from the field; my direct line is {phone}.",
    "Our switchboard is down, please use {phone} for any questions.",
    "Contact me on {phone} only - the station number will not reach me.",
    "Text or call {phone}; I am not at my desk.",
)
SUPERVISOR_PLACEHOLDERS = (
    "N/A",
    "Sgt. on duty",
    "Shift supervisor",
    "On-call supervisor",
    "TBD",
    "Watch commander",
    "n/a",
    "See above",
    "Duty Sergeant",
)

# Words a reused template swaps to look fresh: each group is interchangeable.
SYNONYMS = (
    ("credible report", "reliable report", "credible information", "verified report"),
    ("urgently need", "immediately need", "must urgently", "need right away"),
    ("stating that", "saying that", "indicating that"),
    ("intends to", "plans to", "is going to"),
    ("officers checked", "units checked", "deputies checked", "patrol checked"),
    ("negative results", "no result", "without success", "nothing found"),
    ("unable to reach", "not able to contact", "cannot reach"),
    ("abducted", "taken", "kidnapped"),
    ("tonight", "this evening", "before morning"),
    ("threatened to kill", "threatened to murder", "said he would kill"),
    ("the only current lead", "our only lead", "the sole lead"),
    ("goes straight to voicemail", "is going to voicemail", "rings out to voicemail"),
    ("an attempt-to-locate", "a BOLO", "an ATL"),
    ("Last known address", "Home address"),
    ("Units responded", "Officers responded", "Deputies responded", "Patrol responded"),
    ("Description:", "Physical description:", "Desc:"),
    ("According to", "Per"),
    ("has access to", "can get to"),
    ("We believe", "Officers believe", "It is believed"),
    ("Last seen wearing", "Last seen in", "Was wearing"),
    ("is not at", "is missing from"),
    ("The victim's life is in danger.", "The victim is at risk of death.", "Life at risk."),
)


# Thin facts assembled from parts: the claim, the link to the account, the urgency. None
# names a time, a place or a person, which is what makes them thin.
THIN_CLAIMS = (
    "We are dealing with {what}.",
    "This agency is responding to {what}.",
    "An active investigation into {what} is under way.",
    "Officers were called to {what}.",
    "Information was received about {what}.",
    "This concerns {what} reported today.",
    "A report of {what} was made to this office.",
    "We have {what} on our hands.",
)
THIN_LINKS = (
    "{handle} is believed to be involved.",
    "Everything points to {handle}.",
    "{handle} is the account of interest.",
    "Intelligence points to {handle}.",
    "The person using {handle} is connected.",
    "Our lead is {handle}.",
    "{handle} was identified as relevant.",
)
THIN_URGENCY = (
    "Please provide all records immediately.",
    "Life is at risk; respond urgently.",
    "Time is of the essence.",
    "We need everything on the account right now.",
    "This is extremely urgent.",
    "Send the data as soon as possible.",
    "Details will follow later.",
    "Immediate action is required.",
    "",
)


def thin_facts(rng: random.Random, nature: str, handle: str) -> str:
    what = rng.choice(NATURE_WORDS[nature])
    if rng.random() < 0.5:
        parts = (rng.choice(THIN_CLAIMS), rng.choice(THIN_LINKS), rng.choice(THIN_URGENCY))
        text = " ".join(fill(p, {"handle": handle, "what": what}) for p in parts if p)
        return text[0].upper() + text[1:]
    text = fill(
        rng.choice(THIN),
        {
            "handle": handle,
            "what": what,
            "handle_cap": handle[0].upper() + handle[1:],
            "what_cap": what[0].upper() + what[1:],
        },
    )
    return text[0].upper() + text[1:]


def threat(rng: random.Random, when_text: str) -> str:
    return fill(
        rng.choice(THREATS),
        {"minutes": str(rng.choice((15, 20, 30, 45, 60, 90))), "deadline": when_text},
    )


def paraphrase(rng: random.Random, text: str) -> str:
    """Swap synonyms and, sometimes, the order of the middle sentences."""
    for group in SYNONYMS:
        for word in group:
            found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
            if found:
                text = text[: found.start()] + rng.choice(group) + text[found.end() :]
                break
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 3 and rng.random() < 0.5:
        middle = sentences[1:-1]
        rng.shuffle(middle)
        sentences = [sentences[0], *middle, sentences[-1]]
    return " ".join(sentences)


# Skeletons of the texts fraud crews circulate; each campaign fills one with new names.
TEMPLATES = (
    {
        "nature": "suicide_self_harm",
        "facts": "We have received a credible report that the user of the account {handle} has "
        "posted a message stating that {he} intends to take {his} own life tonight. "
        "The user has a firearm and has not been seen since {time}. Family members are "
        "unable to reach {him} and officers checked {his} last known residence with "
        "negative results. We urgently need to locate {him}.",
        "helps": "The phone number, e-mail, IP addresses and location history on the account "
        "will allow us to locate the user and save {his} life.",
        "why": "Exigent circumstances. There is no time for legal process.",
    },
    {
        "nature": "kidnapping",
        "facts": "On {date} at approximately {time} a {age} year old {noun} was abducted by a "
        "known suspect who is using the account {handle}. The suspect has sent the "
        "family photos showing the victim restrained and has threatened to kill the "
        "victim if police are contacted. We have reason to believe the victim is being "
        "moved across state lines tonight. The only current lead is the suspect's "
        "activity on your platform.",
        "helps": "We need the subscriber information, recent IP addresses and any location "
        "data for the account so we can identify the suspect's current location and "
        "recover the victim alive.",
        "why": "There is no time to obtain a court order. The victim may be killed within hours.",
    },
    {
        "nature": "child_safety",
        "facts": "A {age} year old child has been reported missing and was last in contact with "
        "the account {handle}. The account holder is an adult who has been grooming "
        "the child and arranged to meet {him} tonight. The child's phone is off. We "
        "urgently need the account details to find the child before {he} is harmed.",
        "helps": "Subscriber details, IP logs and location will lead us to the suspect and "
        "the child.",
        "why": "The danger to the child is immediate and a warrant cannot be obtained in time.",
    },
    {
        "nature": "violent_threat",
        "facts": "The account {handle} has threatened to kill a former partner and posted a "
        "photo of a handgun with her address. The suspect is believed to be travelling "
        "to her location now. Officers checked his residence with negative results. "
        "We urgently need his current location.",
        "helps": "Location history and IP addresses will let officers intercept the suspect.",
        "why": "Exigent circumstances. There is no time for legal process.",
    },
)
