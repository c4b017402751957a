"""The case store's vocabularies. Values are what the database and every API carry."""

from __future__ import annotations

from enum import StrEnum

from bot.district.kinds import CaseKind

__all__ = [
    "CATEGORY_LABELS",
    "OPEN_STATUSES",
    "RESOLVED_STATUSES",
    "CaseCategory",
    "CaseKind",
    "CaseSource",
    "CaseStatus",
    "ConsentMethod",
    "ContactPreference",
    "EventAction",
    "ResolutionOutcome",
]


class CaseStatus(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


# A case in one of these still needs work from the centre.
OPEN_STATUSES = frozenset({CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS})
# Counted as 办结 (concluded): the centre resolved it; closed comes only after resolved.
RESOLVED_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


class CaseSource(StrEnum):
    """How a case reached the centre."""

    CHAT = "chat"  # the resident registered it in a chat (web, Telegram, WeChat)
    WALK_IN = "walk_in"  # came to the centre or a village mediation room (百姓说事室)
    PHONE = "phone"  # called the centre
    PATROL = "patrol"  # a grid worker (网格员) found it going door to door
    LETTER = "letter"  # wrote in (信访 by letter)

    @property
    def is_staff_registered(self) -> bool:
        """Staff registered it on the resident's behalf (everything but chat)."""
        return self is not CaseSource.CHAT


class ConsentMethod(StrEnum):
    """How a resident agreed to staff recording a case for them (chat consent is the resident's own)."""

    IN_PERSON = "in_person"
    BY_PHONE = "by_phone"


class CaseCategory(StrEnum):
    """What a case is about. Labels are the centre's words, for lists and figures."""

    NEIGHBOURS = "neighbours"
    FAMILY = "family"
    LAND = "land"
    HOUSING = "housing"
    LABOUR = "labour"
    PROPERTY_MANAGEMENT = "property_management"
    CONSUMER = "consumer"
    DEBT = "debt"
    DAMAGES = "damages"
    TRAFFIC = "traffic"
    DEMOLITION = "demolition"
    SOCIAL_SECURITY = "social_security"
    ENVIRONMENT = "environment"
    PUBLIC_SERVICES = "public_services"
    OFFICIAL_CONDUCT = "official_conduct"
    FRAUD = "fraud"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[CaseCategory, str] = {
    CaseCategory.NEIGHBOURS: "邻里纠纷",
    CaseCategory.FAMILY: "婚姻家庭纠纷",
    CaseCategory.LAND: "土地、宅基地纠纷",
    CaseCategory.HOUSING: "房屋纠纷",
    CaseCategory.LABOUR: "劳动争议、欠薪",
    CaseCategory.PROPERTY_MANAGEMENT: "物业纠纷",
    CaseCategory.CONSUMER: "消费纠纷",
    CaseCategory.DEBT: "债务、合同纠纷",
    CaseCategory.DAMAGES: "损害赔偿纠纷",
    CaseCategory.TRAFFIC: "交通事故纠纷",
    CaseCategory.DEMOLITION: "征地拆迁",
    CaseCategory.SOCIAL_SECURITY: "社会保障",
    CaseCategory.ENVIRONMENT: "生态环境",
    CaseCategory.PUBLIC_SERVICES: "公共服务",
    CaseCategory.OFFICIAL_CONDUCT: "干部作风",
    CaseCategory.FRAUD: "涉诈求助",
    CaseCategory.OTHER: "其他",
}


class ContactPreference(StrEnum):
    """How the resident wants to be contacted or mediated."""

    PHONE = "phone"  # a call to the contact phone
    CHAT = "chat"  # a reply on the channel the case came in on
    VISIT_VILLAGE = "visit_village"  # comes to the village's mediation room (百姓说事室)
    VISIT_CENTRE = "visit_centre"  # comes to the district centre
    HOME_VISIT = "home_visit"  # staff visit the resident


class ResolutionOutcome(StrEnum):
    """How a resolved case ended; disputes must say, since 化解率 counts agreements."""

    AGREEMENT = "agreement"  # 调解成功: the parties reached agreement
    NO_AGREEMENT = "no_agreement"  # 调解不成: told about other routes (arbitration, court)
    ANSWERED = "answered"  # the request was answered or handled (petitions, consultations)
    REFERRED = "referred"  # handed to the body responsible


class EventAction(StrEnum):
    """What a CaseEvent records."""

    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    DEADLINE_EXTENDED = "deadline_extended"
    NOTE_ADDED = "note_added"
    PERSONAL_DATA_REVEALED = "personal_data_revealed"
    PERSONAL_DATA_ERASED = "personal_data_erased"
    # Staff wrote to the resident through the assistant (the text is the event's note).
    REPLIED = "replied"
    INFORMATION_REQUESTED = "information_requested"
    # A resident took over a case staff registered for them, with its claim code (bot.cases.claims).
    CLAIMED = "claimed"
