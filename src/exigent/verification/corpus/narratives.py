"""What genuine emergency requests say, per nature of the emergency.

Each nature has openers (what happened), details (the facts a real investigation has:
times, places, descriptions, steps already taken) and closers (why it is imminent).
"""

from __future__ import annotations

import random

from exigent.verification.corpus.wording import Scene, compose, fill, render

QUOTES = (
    "nobody will miss me after {tonight}",
    "see you on the other side",
    "i'm done. tell mom i'm sorry",
    "goodbye everyone, i love you all",
    "i can't keep doing this. tonight it ends",
    "sorry for everything. dont look for me",
    "took everything in the cabinet. it won't be long now",
    "this is my last post",
    "i just want the pain to stop",
    "tell my kids i loved them",
)

NARRATIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "suicide_self_harm": {
        "opener": (
            "{initials} ({age}{sex}) called a crisis line at {time} and hung up after saying "
            "{he} had {means}; the number is tied to {handle}.",
            "Dispatch took a 911 call from {his} {relation} at {time}: {handle} shared a "
            "goodbye video and {his} location services are off.",
            "A {age}-year-old {noun} left a note at home in {place} and has since posted on "
            '{handle} "{quote}".',
            'His {relation} called our 911 center at {time} after {handle} posted "{quote}"; '
            "the account belongs to a {age}-year-old {noun} in the {place} area.",
            "On {date}, {his} {relation} reported that {initials}, age {age}, sent a group chat "
            "a direct message on your service at about {time} saying goodbye and that {he} had "
            "{means}.",
            "We received a welfare-check request from {his} {relation} after {initials} "
            "({age}) went live on your platform at {time} holding {object}.",
            "At {time} {his} {relation} contacted dispatch: {handle} posted a photo of "
            '{object} with the caption "{quote}".',
            "A {age}-year-old {noun} in {place} told {his} {relation} over your app at {time} that "
            "{he} is going to kill {him}self {tonight}; the account is {handle}.",
            "Our crisis unit was contacted by the {relation} of {initials} ({age}{sex}), who saw "
            "a post by {handle} stating {he} intends to end {his} life {tonight}.",
        ),
        "detail": (
            "{He} has a documented history of suicide attempts, most recently {recent}.",
            "According to {his} {relation}, {he} has access to {weapon}.",
            "{His} vehicle, a {vehicle}, is not at the residence and an attempt-to-locate has "
            "been broadcast.",
            "{His} phone goes straight to voicemail and a carrier ping returned no usable "
            "location.",
            "Units responded to {his} last known address on {street} and {he} was not there.",
            "Description: {description}.",
            "Last seen wearing {clothing}.",
            "CAD number {number}.",
            "Nearest cross street is {street}.",
            "Relatives have not been able to reach {him} since about {time}.",
            "{He} recently {loss}.",
            "We have checked {searched} without success.",
            "Last known address: {address}.",
        ),
        "closer": (
            "We believe {he} is at immediate risk of death or serious bodily injury.",
            "Time is critical; we need to locate {him} {tonight}.",
            "Our investigators believe {he} is in imminent danger.",
            "Officers believe {his} life is at risk right now.",
        ),
    },
    "child_safety": {
        "opener": (
            "A school resource officer reports that a {age}-year-old {noun} was persuaded by "
            "{handle} to send images and has now run away from home in {place}.",
            "The {relation} of a {age}-year-old found that {handle} has been messaging the child "
            "nightly and sent a bus ticket; the child did not arrive at school.",
            "{His} {relation} found messages between the {age}-year-old and {handle} arranging "
            "to meet at {venue} at {time}; the child left the house and cannot be found.",
            "Our ICAC detectives are investigating an adult who, using {handle}, sent a "
            "{age}-year-old victim sexually explicit images and demanded more, threatening to "
            "hurt the child's family.",
            "The {relation} reported {his} {age}-year-old missing at {time}. Messages on the "
            "child's tablet show an adult using {handle} arranged to pick {him} up {tonight} at "
            "{venue}.",
            "A {age}-year-old {noun} is missing from {place} after chatting with {handle}, who "
            "claimed to be a teenager and offered {him} a ride.",
        ),
        "detail": (
            "The account describes itself as a 15-year-old, but on a video call the child saw "
            "an adult male.",
            "The suspect has asked the child about the parents' work schedule and whether "
            "anyone else is home.",
            "The adult told the child to delete the messages and to leave the phone at home.",
            "The child's phone is off and the family cannot track it.",
            "Officers checked the meeting location and the child is not there.",
            "The {relation} provided screenshots, which are attached.",
            "We have no vehicle description for the suspect.",
            "Last seen wearing {clothing}.",
            "The suspect sent the child money through a payment app for a ride-share.",
            "The victim has now told a friend {he} wants to kill {him}self.",
            "CAD number {number}.",
            "Nearest cross street is {street}.",
        ),
        "closer": (
            "We believe the child is with, or about to meet, an adult who intends to sexually "
            "abuse {him}.",
            "The child is in immediate danger.",
            "Investigators believe the child is at risk of serious harm {tonight}.",
        ),
    },
    "kidnapping": {
        "opener": (
            "A {age}-year-old {noun} did not return from {venue} in {place}; the ex-partner, "
            "who uses {handle}, sent the family a video of the victim crying.",
            "Witnesses saw a {age}-year-old {noun} pulled into a {vehicle} near {street} at "
            "{time}; the suspect later messaged the victim's {relation} from {handle}.",
            "At {time} a {age}-year-old {noun} was forced into a {vehicle} outside {venue} in "
            "{place}. A witness identified the driver as the victim's ex-partner, who uses "
            "{handle}.",
            "The victim, {age}, was last seen leaving {venue} with {his} ex-partner, who is "
            "subject to a protective order and has threatened to kill {him}. The ex-partner "
            "uses {handle}.",
            "The victim's family has received ransom demands through your platform's messaging "
            "from {handle}, including a photo of the {age}-year-old {noun} with hands bound.",
            "A relative received a message from the victim's account ({handle}) at {time} "
            "saying {he} was being held against {his} will and did not know where {he} was.",
        ),
        "detail": (
            "The suspect has prior arrests for aggravated assault and is believed to be armed.",
            "The suspect has been messaging the victim's {relation} demanding {amount}.",
            "Units are at the suspect's known addresses; the suspect is not there.",
            "Both phones are off and the carrier has no recent location.",
            "A {vehicle} registered to the suspect was seen on a traffic camera heading "
            "{direction} at {time}.",
            "The victim's phone was found discarded at the scene.",
            "An attempt-to-locate has been issued statewide.",
            "Description: {description}.",
            "Nearest cross street is {street}.",
            "Last known address: {address}.",
            "An AMBER/endangered-person alert is being prepared.",
        ),
        "closer": (
            "The victim's life is in danger.",
            "We believe the victim will be seriously harmed if not found quickly.",
        ),
    },
    "violent_threat": {
        "opener": (
            '{handle} messaged a coworker at {time} that he will "shoot everyone" at {crowd} '
            "in {place} and sent a picture of ammunition.",
            "A man using {handle} told his estranged wife he bought a gun {tonight} and is "
            "coming to the house; she is hiding with the children.",
            "A woman reported that her ex-partner, using {handle}, sent her messages {tonight} "
            "saying he is on his way to her home with a gun.",
            'At {time} {handle} posted that it would "bring the AR and end it" at {crowd} '
            "tomorrow morning; the post included a photo of a rifle.",
            "A user commented under a live stream that he will shoot staff at {crowd} in "
            "{place} at shift change; the comment, posted by {handle}, was reported by the "
            "employer.",
            "The account registered to {handle} sent a series of messages to a {age}-year-old "
            "woman describing how he plans to kill her and her children, including their home "
            "address.",
        ),
        "detail": (
            "She and her children are sheltering at a neighbour's.",
            "A protective order was served on him last month.",
            "The suspect has an active warrant for domestic battery.",
            "The account was created in the last week and uses a false name.",
            "The school has been notified and extra patrols are posted for the morning.",
            "The suspect previously served time for a firearms offence.",
            "Description: {description}.",
            "Last seen wearing {clothing}.",
            "CAD number {number}.",
            "The suspect drives a {vehicle}.",
        ),
        "closer": (
            "We need to identify and locate the suspect before he acts.",
            "Investigators believe the threat is credible and imminent.",
        ),
    },
    "terrorism": {
        "opener": (
            "{handle} posted a map of {crowd} in {place} with entrances marked and the words "
            '"tomorrow it happens".',
            "A family member reported that {handle} has been watching attack videos, bought "
            "fertilizer in bulk and named {crowd} as a target.",
            "A tipster reported that {handle} has been recruiting others in group chats for an "
            "attack on {crowd} in {place}, with a date already set.",
            "{handle} livestreamed a manifesto at {time} naming {crowd} and announcing an "
            "attack within the next day.",
            "Our task force officer received information that {handle} posted instructions for "
            "building an explosive device and stated an intent to use it at {crowd}.",
        ),
        "detail": (
            "The user's profile references a previous mass-casualty attack as inspiration.",
            "The account appears to use a VPN and a false name.",
            "The JTTF has been notified.",
            "Description: {description}.",
            "Photos posted by the account show a {vehicle} parked near {crowd}.",
        ),
        "closer": (
            "Disclosure is needed to identify and intercept the user before the planned attack.",
        ),
    },
    "other_life_threat": {
        "opener": (
            "A {age}-year-old {noun} with {condition} walked away from a care home in {place} "
            "at {time}; {his} only device is logged in to {handle}.",
            "A kayaker, {age}, messaged {his} {relation} through {handle} at {time} that {he} "
            "capsized and is on a sandbar; the signal dropped.",
            "A friend reports that {initials} ({age}) messaged a group chat on your platform "
            "saying {he} had overdosed on {drug} and was alone; {he} did not say where.",
            "{initials}, {age}, who has {condition}, went missing at {time} from {venue}; the "
            "only active communication is {handle}.",
            "An injured hiker, {age}, sent a message through your app at {time} saying {he} "
            "fell near a trail outside {place} and cannot walk; {his} phone is nearly dead.",
        ),
        "detail": (
            "Temperatures {tonight} will drop to {temp}F.",
            "Search teams have been out for several hours without success.",
            "The family has no idea where {he} may be.",
            "Last seen wearing {clothing}.",
            "{His} phone is not responding to calls and the carrier cannot locate it.",
            "CAD number {number}.",
            "Last known address: {address}.",
        ),
        "closer": (
            "Without treatment {he} may die within hours.",
            "We believe {his} life is in danger.",
        ),
    },
}

EXTRA_SLOTS = {
    "quote": QUOTES,
    "means": (
        "taken a bottle of pills",
        "cut {him}self",
        "a gun with {him}",
        "taken something and could not feel {his} hands",
    ),
    "object": ("a handgun", "a rope", "a razor blade", "a handful of pills", "a bridge railing"),
    "weapon": (
        "a handgun",
        "a rifle kept at the residence",
        "prescription medication",
        "a vehicle and a large amount of medication",
    ),
    "recent": ("two months ago", "in March", "last year", "after a breakup in the spring"),
    "loss": ("lost a job", "lost a parent", "was bullied at school", "went through a divorce"),
    "searched": ("nearby parks", "the school and a nearby bridge", "the local hospitals"),
    "drug": ("fentanyl", "pills", "heroin", "insulin"),
    "condition": ("dementia", "a seizure disorder", "type 1 diabetes", "schizophrenia"),
    "temp": ("18", "23", "27", "31"),
}


def facts(
    rng: random.Random, nature: str, scene: Scene, style: str, n_details: tuple[int, int] = (2, 5)
) -> str:
    blocks = NARRATIVES[nature]
    for key, options in EXTRA_SLOTS.items():
        scene.extra[key] = fill(rng.choice(options), scene.slots())
    sentences = compose(rng, scene, blocks["opener"], blocks["detail"], blocks["closer"], n_details)
    return render(rng, sentences, style, scene.when)


PERSONS_AT_RISK = {
    "suicide_self_harm": (
        "The account holder ({initials}, {age}{sex})",
        "1 - the user, age {age}",
        "{initials}, {age}-year-old {noun}",
        "The user, {age}{sex}",
    ),
    "child_safety": (
        "{age}-year-old {noun} and possibly siblings at the residence",
        "Minor victim, {age}{sex}",
        "{initials}, age {age}",
    ),
    "kidnapping": ("{initials} ({age})", "Kidnapping victim, {age}{sex}"),
    "violent_threat": (
        "The reporting party and her children",
        "Students and staff of {crowd}",
        "Former partner (F, {age}) and her children",
        "Employees at {crowd}",
    ),
    "terrorism": ("Attendees of {crowd}", "Members of the public at {crowd}"),
    "other_life_threat": ("{initials}, {age}{sex}", "The missing person, {age}"),
}
OFFENSES = {
    "suicide_self_harm": (
        "Suicide threat",
        "Welfare check / suicidal subject",
        "Mental health crisis - attempted suicide",
        "Endangered person",
        "Suicidal subject",
    ),
    "child_safety": (
        "Enticement of a minor",
        "Online solicitation of a minor",
        "Sextortion of a minor",
        "Child sexual exploitation",
        "Missing endangered juvenile",
        "Child endangerment",
    ),
    "kidnapping": ("Kidnapping", "Abduction", "Unlawful restraint", "Aggravated kidnapping"),
    "violent_threat": (
        "Criminal threats",
        "Aggravated stalking",
        "Terroristic threats",
        "Harassment with threat of violence",
        "Threat of mass violence",
        "Domestic violence - assault in progress",
    ),
    "terrorism": (
        "Threat of terrorism",
        "Making a terroristic threat",
        "Attempted use of a weapon of mass destruction",
    ),
    "other_life_threat": (
        "Missing person - medical risk",
        "Overdose - welfare check",
        "Missing person - injured hiker",
        "Search and rescue",
        "Missing endangered adult",
    ),
}
HOW_DATA_HELPS = (
    "Any stored location data from the last {hours} hours will let units search a specific area.",
    "A recent IP address may identify the residence or business the device is connected to.",
    "IP logs with timestamps will tell us which network the device is using right now.",
    "Subscriber information and recent login IP addresses will let us identify "
    "the carrier or ISP and request an emergency ping or a physical address.",
    "The phone number and e-mail address on the account will let us contact the carrier for "
    "an exigent location request.",
    "Identifying the person behind the account will let us find them before anyone is hurt.",
    "Units are standing by in the {place} area to respond as soon as we have a location.",
    "We will use the information only to locate and protect the person at risk.",
)
WHY_NO_PROCESS = (
    "Waiting for legal process would put the person at further risk tonight.",
    "A judge could not be reached in time given the imminent danger; we will follow up with "
    "legal process if required.",
    "Exigent circumstances: a warrant would take hours and the person is in danger now.",
    "The emergency is ongoing; we request voluntary disclosure under 18 U.S.C. 2702 and will "
    "serve process afterwards if needed.",
    "Imminent threat to life; legal process cannot be obtained in the time available.",
    "There is no time to obtain a court order; the person may be dead before one could be signed.",
    "It is after hours and the on-call judge cannot be reached quickly enough to prevent harm.",
    "Process will be served if the emergency allows; at this hour a warrant is hours away.",
)
FOREIGN_WHY = (
    "Our domestic production orders cannot reach a US provider in time to prevent harm.",
    "An MLAT request would take months; the threat to life is immediate.",
    "There is an immediate risk to life and no legal instrument can be obtained in the time "
    "available.",
    "Emergency request for voluntary disclosure; a formal request via the central authority "
    "will follow if needed.",
    "We understand you may disclose voluntarily in an emergency under your own law; there is "
    "no time for a mutual legal assistance request.",
)
US_LAW = (
    "18 U.S.C. 2702(b)(8) and 2702(c)(4)",
    "18 U.S.C. §§ 2702(b)(8), 2702(c)(4) (voluntary emergency disclosure)",
    "Emergency disclosure - 18 U.S.C. § 2702",
    "Exigent circumstances; 18 U.S.C. 2702",
    "18 U.S.C. § 2702(c)(4)",
    "18 USC 2702(b)(8)",
    "18 U.S.C. 2702(b)(8)",
    "18 USC §2702(b)(8) & (c)(4) - emergency disclosure",
    "SCA emergency provision, 18 USC 2702",
)
DATA_BY_NATURE = {
    "suicide_self_harm": ("subscriber_info", "location", "account_activity"),
    "child_safety": ("subscriber_info", "location", "account_activity", "message_metadata"),
    "kidnapping": ("subscriber_info", "location", "account_activity", "content"),
    "violent_threat": ("subscriber_info", "account_activity", "location", "content"),
    "terrorism": ("subscriber_info", "account_activity", "location"),
    "other_life_threat": ("subscriber_info", "location", "connections", "account_activity"),
}


def persons_at_risk(rng: random.Random, nature: str, scene: Scene, text: str = "") -> str:
    options = PERSONS_AT_RISK[nature]
    if nature == "violent_threat":
        # Who is at risk follows from the threat: a former partner, or a crowd.
        personal = any(w in text.lower() for w in ("woman", "wife", "ex-partner"))
        options = tuple(o for o in options if ("her" in o) == personal)
    return fill(rng.choice(options), scene.slots())


def how_data_helps(rng: random.Random, scene: Scene) -> str:
    picked = rng.sample(HOW_DATA_HELPS, k=rng.choice((1, 2, 2)))
    return " ".join(fill(p, scene.slots()) for p in picked)
