"""SQLAlchemy models. Import from here: `from app.models import Posting`."""

from app.models.accounts import User
from app.models.audit import AuditLog
from app.models.board import BoardAnswer, BoardIndexQueue, BoardNotice, BoardReport, BoardTopic
from app.models.cache import CacheGeneration
from app.models.disasters import DisasterDeclaration
from app.models.domains import MunicipalityDomain
from app.models.events import Event
from app.models.follows import Digest, DigestItem, Follow, JobRun
from app.models.geo import REGIONS, Municipality, region_for_prefecture
from app.models.messaging import Block, Desk, Message, OutboxMail, Thread
from app.models.notices import Notice
from app.models.outcomes import Partnership
from app.models.people import Officer
from app.models.postings import (
    KINDS,
    CaseStudy,
    Category,
    DisasterOffer,
    PartnershipRequest,
    Posting,
    StaffExchange,
    Tag,
)
from app.models.search import IndexQueue

__all__ = [
    "KINDS",
    "REGIONS",
    "AuditLog",
    "BoardAnswer",
    "BoardIndexQueue",
    "BoardNotice",
    "BoardReport",
    "BoardTopic",
    "CacheGeneration",
    "Block",
    "CaseStudy",
    "Category",
    "Desk",
    "Digest",
    "DigestItem",
    "DisasterDeclaration",
    "DisasterOffer",
    "Event",
    "Follow",
    "IndexQueue",
    "JobRun",
    "Message",
    "Municipality",
    "MunicipalityDomain",
    "Notice",
    "Officer",
    "OutboxMail",
    "Partnership",
    "PartnershipRequest",
    "Posting",
    "StaffExchange",
    "Tag",
    "Thread",
    "User",
    "region_for_prefecture",
]
