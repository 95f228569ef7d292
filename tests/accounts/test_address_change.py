"""A new address counts only once verified: e-mail change, and a transfer (人事異動) that needs
the new municipality's domain and approval."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Officer, User
from app.services.accounts import users as user_service
from app.services.contact import handover
from tests.accounts.conftest import OTHER, OTHER_DOMAIN, TOWN, TOWN_DOMAIN, link
from tests.helpers import PASSWORD


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_email_change_is_confirmed_from_the_new_address(client, new_client, smtp, deliver, town,
                                                        users, postings):
    user = users.officer(TOWN, email=f"old@{TOWN_DOMAIN}")
    postings(code=TOWN, officer=user.officer)
    client.login(user.email)
    outside = client.post_form("/accounts/email", {"email": "me@gmail.com", "password": PASSWORD})
    assert outside.status_code == 400 and "職員用ドメインではありません" in outside.get_data(as_text=True)
    wrong = client.post_form("/accounts/email", {"email": f"new@{TOWN_DOMAIN}", "password": "nope nope nope"})
    assert wrong.status_code == 400 and "現在のパスワードが正しくありません" in wrong.get_data(as_text=True)
    taken = users.officer(TOWN, email=f"taken@{TOWN_DOMAIN}")
    in_use = client.post_form("/accounts/email", {"email": taken.email, "password": PASSWORD})
    assert in_use.status_code == 400 and "別のアカウントで使われています" in in_use.get_data(as_text=True)

    assert client.post_form("/accounts/email", {"email": f"New@{TOWN_DOMAIN}", "password": PASSWORD}
                            ).status_code == 302
    assert _fresh(user).email == f"old@{TOWN_DOMAIN}"  # nothing changes before confirmation
    deliver()
    assert "変更する申請がありました" in smtp.mailbox.body(smtp.mailbox.to(f"old@{TOWN_DOMAIN}")[-1])
    path = link(smtp, f"new@{TOWN_DOMAIN}", "/accounts/email/confirm/")
    other_browser = new_client()  # the link may be opened anywhere; a GET changes nothing
    page = other_browser.get(path)
    assert page.status_code == 200 and _fresh(user).email == f"old@{TOWN_DOMAIN}"
    assert other_browser.post_form(path, {}).status_code == 302
    changed = _fresh(user)
    assert changed.email == f"new@{TOWN_DOMAIN}" and changed.officer.email == f"new@{TOWN_DOMAIN}"
    assert other_browser.get(path).status_code == 400  # used
    client.logout()
    client.login(f"new@{TOWN_DOMAIN}")
    assert db.session.scalar(select(AuditLog.details).where(AuditLog.action == "user.email_change"))["old"] \
        == f"old@{TOWN_DOMAIN}"


def test_transfer_needs_the_new_domain_and_the_new_municipalitys_approval(
        client, new_client, smtp, deliver, town, other_town, users, postings, desk):
    # 田中 works at 新宿区, is handed over, and moves to 南三陸町.
    tanaka = users.officer(OTHER, email=f"tanaka@{OTHER_DOMAIN}", name="田中 達也")
    old_record = tanaka.officer
    postings(code=OTHER, officer=old_record)
    successor = users.officer(OTHER, email=f"kouninn@{OTHER_DOMAIN}", name="後任 花子")
    old_manager = users.officer(OTHER, email=f"jinji@{OTHER_DOMAIN}", name="新宿 人事")
    user_service.set_manager(old_manager, True, actor=None)
    new_manager = users.officer(TOWN, email=f"jinji@{TOWN_DOMAIN}", name="永井 恵")
    user_service.set_manager(new_manager, True, actor=None)
    handover.hand_over(old_record, users.admin(), successor=successor.officer)
    deliver()
    handed = smtp.mailbox.to(tanaka.email)[-1]
    assert "/accounts/transfer" in smtp.mailbox.body(handed)

    client.login(tanaka.email)
    assert client.get("/accounts/transfer").status_code == 200
    same = client.post_form("/accounts/transfer", {"municipality": OTHER, "email": f"t@{OTHER_DOMAIN}",
                                                   "password": PASSWORD})
    assert same.status_code == 400 and "今の所属と同じ" in same.get_data(as_text=True)
    wrong = client.post_form("/accounts/transfer", {"municipality": TOWN, "email": f"t@{OTHER_DOMAIN}",
                                                    "password": PASSWORD})
    assert wrong.status_code == 400 and "南三陸町の職員用ドメインではありません" in wrong.get_data(as_text=True)
    new_address = f"tatsuya.tanaka@{TOWN_DOMAIN}"
    assert client.post_form("/accounts/transfer", {"municipality": "南三陸町", "email": new_address,
                                                   "password": PASSWORD}).status_code == 302
    assert _fresh(tanaka).municipality.code == OTHER
    deliver()
    path = link(smtp, new_address, "/accounts/transfer/confirm/")
    page = client.get(path).get_data(as_text=True)
    assert "南三陸町" in page and new_address in page
    assert client.post_form(path, {}).status_code == 302

    moved = _fresh(tanaka)
    assert (moved.municipality.code, moved.email, moved.approval) == (TOWN, new_address, "pending")
    assert moved.previous_municipality.code == OTHER and moved.officer is None
    assert db.session.get(Officer, old_record.id).user_id is None
    assert client.get("/contact/inbox").status_code == 302  # logged out until approved
    refused = client.post_form("/accounts/login", {"email": new_address, "password": PASSWORD})
    assert "承認待ち" in refused.get_data(as_text=True)
    deliver()
    assert "承認依頼" in str(smtp.mailbox.to(new_manager.email)[-1]["Subject"])
    assert not [m for m in smtp.mailbox.to(old_manager.email) if "承認依頼" in str(m["Subject"])]

    # The old municipality's manager sees who left; the new one approves.
    old_boss = new_client()
    old_boss.login(old_manager.email)
    left = old_boss.get("/staff/").get_data(as_text=True)
    assert "異動した職員" in left and "アカウントを宮城県 南三陸町へ移しました" in left
    assert "担当を引き継ぎ（後任: 後任 花子）" in left
    new_boss = new_client()
    new_boss.login(new_manager.email)
    assert "新宿区から異動" in new_boss.get("/staff/").get_data(as_text=True)
    assert new_boss.post_form(f"/staff/signups/{moved.id}/approve", token_from="/staff/").status_code == 302
    approved = _fresh(tanaka)
    assert approved.approval == "approved" and approved.officer.municipality.code == TOWN
    client.login(new_address)
    assert client.get("/contact/inbox").status_code == 200
    details = db.session.scalar(select(AuditLog.details).where(AuditLog.action == "user.transfer"))
    assert (details["from_code"], details["to_code"]) == (OTHER, TOWN)


def test_only_officers_transfer(client, users, desk):
    client.login(users.liaison(desk(None)).email)
    assert client.get("/accounts/transfer").status_code == 403


def test_manager_suspends_own_staff_who_left(client, users, other_town):
    manager = users.officer(OTHER, email=f"jinji@{OTHER_DOMAIN}")
    user_service.set_manager(manager, True, actor=None)
    staff = users.officer(OTHER, email=f"staff@{OTHER_DOMAIN}")
    client.login(manager.email)
    assert client.post_form(f"/staff/accounts/{staff.id}/status", {"active": "0"},
                            token_from="/staff/").status_code == 302
    assert _fresh(staff).active is False
    self_suspend = client.post_form(f"/staff/accounts/{manager.id}/status", {"active": "0"}, token_from="/staff/")
    assert self_suspend.status_code == 302 and _fresh(manager).active is True
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.suspend"))
    assert row.actor_user_id == manager.id and row.target_id == staff.id
