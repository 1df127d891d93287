"""A CyberTipline report as typed models, written to the XML NCMEC's schema describes.

Only the parts of `cyber_tipline.xsd` the team fills are modelled; each model lists its fields
in the schema's order, because the schema's sequences are ordered. Every document built here
is checked against the shipped XSD (`schema.py`) before it leaves Exigent.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic_xml import BaseXmlModel, attr, element


class IncidentType(StrEnum):
    """The schema's `incidentType` enumeration, value for value."""

    child_pornography = "Child Pornography (possession, manufacture, and distribution)"
    child_sex_trafficking = "Child Sex Trafficking"
    child_sex_tourism = "Child Sex Tourism"
    child_sexual_molestation = "Child Sexual Molestation"
    misleading_domain_name = "Misleading Domain Name"
    misleading_words_or_images = "Misleading Words or Digital Images on the Internet"
    online_enticement = "Online Enticement of Children for Sexual Acts"
    unsolicited_obscene_material = "Unsolicited Obscene Material Sent to a Child"


class IpEvent(StrEnum):
    """The schema's `ipCaptureType`."""

    login = "Login"
    registration = "Registration"
    purchase = "Purchase"
    upload = "Upload"
    other = "Other"
    unknown = "Unknown"


class Email(BaseXmlModel, tag="email"):
    address: str
    verified: bool | None = attr(default=None)


class Phone(BaseXmlModel, tag="phone"):
    number: str


class Person(BaseXmlModel):
    """The schema's `person`: the reporting person, the reported user, a victim."""

    first_name: str | None = element(tag="firstName", default=None)
    last_name: str | None = element(tag="lastName", default=None)
    phones: list[Phone] = element(tag="phone", default_factory=list)
    emails: list[Email] = element(tag="email", default_factory=list)
    age: int | None = element(tag="age", default=None)
    date_of_birth: date | None = element(tag="dateOfBirth", default=None)


class IpCaptureEvent(BaseXmlModel, tag="ipCaptureEvent"):
    ip_address: str = element(tag="ipAddress")
    event_name: IpEvent | None = element(tag="eventName", default=None)
    at: datetime | None = element(tag="dateTime", default=None)


class IncidentSummary(BaseXmlModel, tag="incidentSummary"):
    incident_type: IncidentType = element(tag="incidentType")
    platform: str | None = element(tag="platform", default=None)
    # Present only when the analyst asks NCMEC to treat the report as urgent: its text is why.
    escalate_to_high_priority: str | None = element(tag="escalateToHighPriority", default=None)
    incident_at: datetime = element(tag="incidentDateTime")


class WebPageIncident(BaseXmlModel, tag="webPageIncident"):
    urls: list[str] = element(tag="url", default_factory=list)
    additional_info: str | None = element(tag="additionalInfo", default=None)


class InternetDetails(BaseXmlModel, tag="internetDetails"):
    web_page: WebPageIncident


class Reporter(BaseXmlModel, tag="reporter"):
    reporting_person: Person = element(tag="reportingPerson")
    company_template: str | None = element(tag="companyTemplate", default=None)


class PersonOrUserReported(BaseXmlModel, tag="personOrUserReported"):
    person: Person | None = element(tag="personOrUserReportedPerson", default=None)
    esp_identifier: str | None = element(tag="espIdentifier", default=None)
    esp_service: str | None = element(tag="espService", default=None)
    screen_name: str | None = element(tag="screenName", default=None)
    display_names: list[str] = element(tag="displayName", default_factory=list)
    ip_capture_events: list[IpCaptureEvent] = element(tag="ipCaptureEvent", default_factory=list)
    additional_info: str | None = element(tag="additionalInfo", default=None)


class Victim(BaseXmlModel, tag="victim"):
    person: Person = element(tag="victimPerson")
    esp_identifier: str | None = element(tag="espIdentifier", default=None)
    screen_name: str | None = element(tag="screenName", default=None)
    additional_info: str | None = element(tag="additionalInfo", default=None)


class Report(BaseXmlModel, tag="report"):
    """The document POSTed to `/submit` to open a report."""

    incident_summary: IncidentSummary
    internet_details: list[InternetDetails] = element(default_factory=list)
    reporter: Reporter
    persons_reported: list[PersonOrUserReported] = element(default_factory=list)
    victims: list[Victim] = element(default_factory=list)
    additional_info: str | None = element(tag="additionalInfo", default=None)


class Hash(BaseXmlModel, tag="originalFileHash"):
    value: str
    hash_type: str = attr(name="hashType")


class FileDetails(BaseXmlModel, tag="fileDetails"):
    """The document POSTed to `/fileinfo` after a file's upload, naming it by NCMEC's ids."""

    report_id: int = element(tag="reportId")
    file_id: str = element(tag="fileId")
    file_name: str | None = element(tag="fileName", default=None)
    original_file_name: str | None = element(tag="originalFileName", default=None)
    uploaded_at: datetime | None = element(tag="uploadedToEspTimestamp", default=None)
    viewed_by_esp: bool | None = element(tag="fileViewedByEsp", default=None)
    publicly_available: bool | None = element(tag="publiclyAvailable", default=None)
    hashes: list[Hash] = element(tag="originalFileHash", default_factory=list)
    additional_info: str | None = element(tag="additionalInfo", default=None)


class ReportResponse(BaseXmlModel, tag="reportResponse"):
    """NCMEC's answer to `/submit`, `/upload`, `/fileinfo` and `/retract`."""

    response_code: int = element(tag="responseCode")
    description: str = element(tag="responseDescription", default="")
    report_id: int | None = element(tag="reportId", default=None)
    file_id: str | None = element(tag="fileId", default=None)
    hash: str | None = element(tag="hash", default=None)


class FinishedFiles(BaseXmlModel, tag="files"):
    file_ids: list[str] = element(tag="fileId", default_factory=list)


class ReportDoneResponse(BaseXmlModel, tag="reportDoneResponse"):
    """NCMEC's answer to `/finish`: the report and the files it holds."""

    response_code: int = element(tag="responseCode")
    report_id: int | None = element(tag="reportId", default=None)
    files: FinishedFiles = element(default_factory=FinishedFiles)


def to_xml(document: BaseXmlModel) -> bytes:
    """The document as UTF-8 XML, empty optional elements left out."""
    rendered = document.to_xml(skip_empty=True, encoding="UTF-8", xml_declaration=True)
    return rendered if isinstance(rendered, bytes) else rendered.encode()
