"""Recording partnerships made: a request marked matched with its partners (and the thread that
led to it), and later the case study that tells the result. The figures count these records."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import permissions
from app.extensions import db
from app.models import AuditLog, CaseStudy, Municipality, PartnershipRequest, Posting, Thread
from app.models.outcomes import Partnership, partnership_partners
from app.permissions import visible_postings
from app.services.postings import editing


class OutcomeError(ValueError):
    """The record cannot be made as asked; the message says why (Japanese)."""


NOT_A_CASE_STUDY = _l("公開中の連携・交流事例の番号を入力してください。")


def record(request: PartnershipRequest, partners: list[Municipality], actor, thread: Thread | None = None,
           note: str = "") -> Partnership:
    """Mark the request matched with these partners (again: replace what was recorded).
    `actor=None` is the trusted CLI (demo data)."""
    if actor is not None:
        permissions.require(permissions.can_record_outcome(actor, request))
    partners = [m for m in dict.fromkeys(partners) if m.id != request.municipality_id]
    if not partners:
        raise OutcomeError(_("連携が成立した相手の自治体を1つ以上入力してください（自分の自治体は除きます）。"))
    if thread is not None and (thread.posting_id != request.id or (
            actor is not None and not permissions.can_read_thread(actor, thread))):
        raise OutcomeError(_("この募集へのお問い合わせのうち、あなたが見られるものを選んでください。"))
    partnership = request_partnership(request) or Partnership(request_id=request.id)
    partnership.partners = partners
    partnership.thread = thread
    partnership.note = (note or "").strip()
    partnership.recorded_by_id = getattr(actor, "id", None)
    db.session.add(partnership)
    batch = editing.Batch()  # the partnership, the request's new status and the audit commit together
    editing.set_request_status(request, "matched", actor, batch=batch)
    _audit(actor, "outcome.record", request, partnership)
    batch.finish()
    return partnership


def withdraw(request: PartnershipRequest, actor) -> None:
    """Take back a partnership recorded by mistake: the record goes (the audit log keeps what it
    said) and the request is open again, so it is no longer counted."""
    if actor is not None:
        permissions.require(permissions.can_record_outcome(actor, request))
    partnership = request_partnership(request)
    if partnership is None:
        raise OutcomeError(_("取り消す成立の記録がありません。"))
    _audit(actor, "outcome.withdraw", request, partnership)
    db.session.delete(partnership)
    batch = editing.Batch()
    editing.set_request_status(request, "open", actor, batch=batch)
    batch.finish()


def link_case_study(request: PartnershipRequest, case_study: Posting | None, actor) -> Partnership:
    """The case study that tells what came of the partnership (None unlinks it)."""
    if actor is not None:
        permissions.require(permissions.can_record_outcome(actor, request))
    partnership = request_partnership(request)
    if partnership is None:
        raise OutcomeError(_("先に、連携の成立（相手の自治体）を記録してください。"))
    if case_study is not None:
        visible = actor is None or permissions.can_view_posting(actor, case_study)
        if not isinstance(case_study, CaseStudy) or not visible or case_study.status != "published":
            raise OutcomeError(NOT_A_CASE_STUDY)
        involved = {case_study.municipality_id, *(m.id for m in case_study.partners)}
        if not involved & {request.municipality_id, *(m.id for m in partnership.partners)}:
            raise OutcomeError(_("この募集の自治体か、成立した相手の自治体が関わる事例を選んでください。"))
    partnership.case_study = case_study
    _audit(actor, "outcome.case_study", request, partnership)
    db.session.commit()
    return partnership


def request_partnership(request: Posting) -> Partnership | None:
    return db.session.scalar(select(Partnership).where(Partnership.request_id == request.id))


def _audit(actor, action: str, request: Posting, partnership: Partnership) -> None:
    db.session.add(AuditLog(
        actor_user_id=getattr(actor, "id", None), action=action, target_type="posting", target_id=request.id,
        details={"partners": [m.code for m in partnership.partners], "thread_id": partnership.thread_id,
                 "case_study_id": partnership.case_study_id},
    ))


# --- figures ----------------------------------------------------------------------------------


@dataclass
class Figures:
    recorded: int  # partnerships recorded by an officer
    partner_municipalities: int  # distinct partner municipalities in them
    with_case_study: int  # … whose result is told in a case study
    status_only: int  # requests marked matched without a record (e.g. imported)

    @property
    def total(self) -> int:
        return self.recorded + self.status_only


def figures(user) -> Figures:
    """Partnerships made, over the requests `user` may see (drafts never count)."""
    visible = visible_postings(user).where(Posting.kind == "partnership_request", Posting.status != "draft") \
        .with_only_columns(Posting.id)
    recorded = select(Partnership).where(Partnership.request_id.in_(visible))
    status_only = select(func.count(PartnershipRequest.id)).where(
        PartnershipRequest.id.in_(visible), PartnershipRequest.request_status == "matched",
        PartnershipRequest.id.not_in(select(Partnership.request_id)))
    partners = select(func.count(func.distinct(partnership_partners.c.municipality_id))).where(
        partnership_partners.c.partnership_id.in_(recorded.with_only_columns(Partnership.id)))
    # The four counts in one statement (the statistics page shows them beside other tables).
    row = db.session.execute(select(
        recorded.with_only_columns(func.count(Partnership.id)).scalar_subquery(),
        partners.scalar_subquery(),
        recorded.where(Partnership.case_study_id.is_not(None))
        .with_only_columns(func.count(Partnership.id)).scalar_subquery(),
        status_only.scalar_subquery(),
    )).one()
    return Figures(recorded=row[0] or 0, partner_municipalities=row[1] or 0,
                   with_case_study=row[2] or 0, status_only=row[3] or 0)


def partnerships_made(user) -> int:
    """The one figure: partnerships made (records, plus matched requests recorded before them)."""
    return figures(user).total
