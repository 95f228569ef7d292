"""Official e-mail domains per municipality (e.g. city.example.lg.jp): who may sign up.

An address belongs to a domain when it is that domain or a subdomain of it
(taro@kikaku.city.example.lg.jp is in city.example.lg.jp). A domain belongs to one
municipality. Public mail services and shared suffixes (lg.jp …) are never accepted.
"""

import csv
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import permissions
from app.extensions import db
from app.models import AuditLog, Municipality, MunicipalityDomain
from app.services.accounts.users import AccountError

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Suffixes shared by many organisations: registering one would open sign-up to all of them.
SHARED_SUFFIXES = frozenset({
    "jp", "lg.jp", "go.jp", "co.jp", "ne.jp", "or.jp", "ac.jp", "ed.jp", "gr.jp", "ad.jp",
    "example.jp", "com", "net", "org",
})
# Public mail services: anyone can have an address there.
PUBLIC_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.co.jp", "ymail.ne.jp", "yahoo.com", "outlook.com",
    "outlook.jp", "hotmail.com", "hotmail.co.jp", "live.jp", "live.com", "msn.com", "icloud.com",
    "me.com", "mac.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp",
    "i.softbank.jp", "ymobile.ne.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp",
    "aol.com", "protonmail.com", "proton.me", "gmx.com", "mail.com", "zoho.com",
})


class DomainError(AccountError):
    """A domain that cannot be registered; the message says why."""


def normalise_domain(text: str) -> str:
    """Lower-case ASCII form of a domain typed by a person ("@City.Example.lg.jp." → ok)."""
    raw = (text or "").strip().lstrip("@").rstrip(".").lower()
    if not raw:
        raise DomainError(_("ドメインを入力してください。"))
    if "@" in raw:
        raw = raw.rpartition("@")[2]  # a whole address was pasted: keep its domain
    try:
        domain = raw.encode("idna").decode("ascii")  # 日本語ドメイン → xn--…
    except UnicodeError:
        raise DomainError(_("「%(domain)s」はドメインとして正しくありません。", domain=text.strip())) from None
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise DomainError(_("「%(domain)s」はドメインとして正しくありません。", domain=text.strip()))
    if domain in SHARED_SUFFIXES:
        raise DomainError(_("「%(domain)s」は多くの組織が共有する部分なので登録できません。"
                            "自治体専用のドメイン（例: city.example.lg.jp）を入力してください。",
                            domain=domain))
    if domain in PUBLIC_MAIL:
        raise DomainError(_("「%(domain)s」は誰でも使えるメールサービスなので登録できません。",
                            domain=domain))
    return domain


def address_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def domains_of(municipality: Municipality | None) -> list[str]:
    if municipality is None:
        return []
    return list(db.session.scalars(
        select(MunicipalityDomain.domain)
        .where(MunicipalityDomain.municipality_id == municipality.id)
        .order_by(MunicipalityDomain.domain)
    ))


def rows_of(municipality: Municipality) -> list[MunicipalityDomain]:
    return list(db.session.scalars(
        select(MunicipalityDomain).where(MunicipalityDomain.municipality_id == municipality.id)
        .order_by(MunicipalityDomain.domain)
    ))


def _within(domain: str, official: str) -> bool:
    return domain == official or domain.endswith("." + official)


def address_allowed(email: str, municipality: Municipality | None) -> bool:
    """The address is in one of the municipality's official domains."""
    domain = address_domain(email)
    return bool(domain) and any(_within(domain, d) for d in domains_of(municipality))


def check_address(email: str, municipality: Municipality | None) -> None:
    """Refuse, with a message that helps, an address outside the municipality's domains."""
    if municipality is None:
        raise DomainError(_("所属自治体を選んでください。"))
    known = domains_of(municipality)
    if not known:
        raise DomainError(_("%(name)sは職員用メールドメインがまだ登録されていないため、自分で登録することは"
                            "できません。所属の連携窓口か管理者にお問い合わせください。",
                            name=municipality.display_name))
    if not address_allowed(email, municipality):
        raise DomainError(_("このメールアドレス（@%(domain)s）は%(name)sの職員用ドメインではありません。"
                            "使えるドメイン: %(known)s",
                            domain=address_domain(email), name=municipality.display_name,
                            known="、".join(known)))


def municipalities_with_domains():
    """SELECT of municipalities that have at least one official domain (open to sign-up)."""
    return select(Municipality).where(
        Municipality.id.in_(select(MunicipalityDomain.municipality_id))
    ).order_by(Municipality.code)


def owner_of(domain: str) -> MunicipalityDomain | None:
    return db.session.scalar(select(MunicipalityDomain).where(MunicipalityDomain.domain == domain))


def _add(municipality: Municipality, domain: str, actor) -> tuple[MunicipalityDomain, bool]:
    """(row, created). A domain another municipality holds is refused."""
    existing = owner_of(domain)
    if existing is not None:
        if existing.municipality_id == municipality.id:
            return existing, False
        raise DomainError(_("「%(domain)s」は既に%(name)sのドメインとして登録されています。",
                            domain=domain, name=existing.municipality.display_name))
    row = MunicipalityDomain(municipality=municipality, domain=domain,
                             created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    return row, True


def _audit(actor, action: str, municipality: Municipality, **details) -> None:
    db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action=action,
                            target_type="municipality", target_id=municipality.id,
                            details={"code": municipality.code, **details}))


def add_domain(municipality: Municipality, text: str, actor) -> MunicipalityDomain:
    if actor is not None:
        permissions.require(permissions.can_manage_domains(actor, municipality),
                            _("この自治体のドメインを変更する権限がありません。"))
    domain = normalise_domain(text)
    row, created = _add(municipality, domain, actor)
    if not created:
        raise DomainError(_("「%(domain)s」は既に登録されています。", domain=domain))
    _audit(actor, "domain.add", municipality, domain=domain)
    db.session.commit()
    return row


def remove_domain(row: MunicipalityDomain, actor) -> None:
    """Existing accounts keep working; only new sign-ups need a listed domain."""
    if actor is not None:
        permissions.require(permissions.can_manage_domains(actor, row.municipality),
                            _("この自治体のドメインを変更する権限がありません。"))
    _audit(actor, "domain.remove", row.municipality, domain=row.domain)
    db.session.delete(row)
    db.session.commit()


# --- CSV import (code, domain) ------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or Shift_JIS
    (what Excel in Japan saves)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("ファイルの文字コードを読み取れません。UTF-8 か Shift_JIS で保存してください。"))


def _municipality_for_code(code: str, by_code: dict[str, Municipality]) -> Municipality | None:
    if len(code) == 6:
        return by_code.get(code)
    if len(code) == 5:  # the code without its check digit, as some lists give it
        matches = [m for c, m in by_code.items() if c[:5] == code]
        return matches[0] if len(matches) == 1 else None
    return None


def import_csv(text: str, actor=None) -> ImportReport:
    """Rows "code,domain" (header optional, # comments and blank lines skipped). Every line
    is judged on its own; the good ones are saved together, the bad ones reported by number."""
    report = ImportReport()
    by_code = {m.code: m for m in db.session.scalars(select(Municipality))}
    seen: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        # One row per line (no value here spans lines): a stray quote spoils its own line only,
        # where a reader of the whole file would swallow every row after it.
        try:
            cells = [c.strip() for c in next(csv.reader([line], strict=True), [])]
        except csv.Error:
            report.errors.append((number, _("この行はCSVとして読めません。引用符（\"）の閉じ忘れや余分な引用符が"
                                            "ないか確認してください。")))
            continue
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and not cells[0].isdigit():
            continue  # header
        if len(cells) < 2 or not cells[1]:
            report.errors.append((number, _("団体コードとドメインの2列が必要です。")))
            continue
        code = cells[0]
        municipality = _municipality_for_code(code, by_code) if code.isdigit() else None
        if municipality is None:
            report.errors.append((number, _("団体コード「%(code)s」の自治体がありません。", code=code)))
            continue
        try:
            domain = normalise_domain(cells[1])
            if seen.get(domain, municipality.code) != municipality.code:
                raise DomainError(_("「%(domain)s」がファイル内で別の自治体（%(code)s）にも書かれています。",
                                    domain=domain, code=seen[domain]))
            seen[domain] = municipality.code
            _row, created = _add(municipality, domain, actor)
            db.session.flush()
        except DomainError as exc:
            report.errors.append((number, str(exc)))
            continue
        if created:
            report.created += 1
        else:
            report.existing += 1
    if report.created:
        db.session.add(AuditLog(actor_user_id=getattr(actor, "id", None), action="domain.import",
                                target_type="municipality", target_id=None,
                                details={"created": report.created, "existing": report.existing,
                                         "errors": len(report.errors)}))
    db.session.commit()
    return report


def count() -> int:
    return db.session.scalar(select(func.count(MunicipalityDomain.id))) or 0
