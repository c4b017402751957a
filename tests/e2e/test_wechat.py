"""Residents on WeChat (an Official Account): gateways with WeChat on, in plain and in encrypted
(safe) mode, against a local fake of WeChat (its API and its pushes) and the real model."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from bot.cases import service as cases
from bot.cases.enums import CaseStatus
from bot.cases.models import Attachment, Case
from bot.cases.schemas import CaseCreate
from bot.channels.wechat.crypto import signature
from bot.config import WechatSettings
from bot.db.clock import db_now
from bot.db.session import session_scope
from bot.outbox.enums import OutboxKind, OutboxStatus
from bot.outbox.models import OutboxItem
from bot.residents import reach
from bot.residents import service as residents
from bot.residents.enums import Channel
from bot.residents.models import ChannelIdentity
from bot.scams import alerts
from tests.e2e.stack import Stack, supervisor_headers
from tests.fakes.wechat_api import AES_KEY, APP_ID, APP_SECRET, TOKEN, FakeWeChat

pytestmark = pytest.mark.e2e
_openids = itertools.count(1)
STATUS_TEMPLATE = "TPL-status-notice-0001"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def settings_for(wechat: FakeWeChat, *, encrypted: bool) -> WechatSettings:
    return WechatSettings(
        app_id=APP_ID,
        app_secret=SecretStr(APP_SECRET),
        token=SecretStr(TOKEN),
        aes_key=SecretStr(AES_KEY) if encrypted else None,
        api_base_url=wechat.base_url,
        templates={"status_notice": STATUS_TEMPLATE},
    )


@pytest.fixture(scope="module")
def wechat(stack: Stack) -> Iterator[FakeWeChat]:
    fake = FakeWeChat().start()
    gateway = stack.extra_gateway(wechat=settings_for(fake, encrypted=False))
    fake.server_url = gateway.ready_url.replace("/healthz", "/wechat")
    yield fake
    gateway.stop()
    fake.stop()


@pytest.fixture(scope="module")
def safe_mode(stack: Stack) -> Iterator[FakeWeChat]:
    """A second account's worth of gateway, in encrypted mode, on its own fake."""
    fake = FakeWeChat(encrypted=True).start()
    gateway = stack.extra_gateway(wechat=settings_for(fake, encrypted=True))
    fake.server_url = gateway.ready_url.replace("/healthz", "/wechat")
    yield fake
    gateway.stop()
    fake.stop()


@pytest.fixture
def openid(wechat: FakeWeChat) -> str:
    return f"oWeChatTest{next(_openids):04d}_{int(time.time()) % 100000}"


@pytest.fixture(scope="module")
def staff_headers(stack: Stack) -> dict[str, str]:
    return supervisor_headers(stack.settings, "wechat.supervisor")


def say(wechat: FakeWeChat, openid: str, text: str, quiet: float = 0.8) -> str:
    """Sends a text and returns everything the assistant answered to it (once it goes quiet)."""
    before = len(wechat.texts(openid))
    delivery = wechat.text(openid, text)
    assert delivery.answers == ["200 success"], delivery.answers
    wechat.wait_for_texts(openid, before + 1)
    count = len(wechat.texts(openid))
    while True:
        time.sleep(quiet)
        now = len(wechat.texts(openid))
        if now == count:
            return "\n".join(wechat.texts(openid)[before:])
        count = now


def option(text: str, title: str) -> str:
    """The number the options list shows for `title`."""
    match = re.search(rf"^(\d+)\. {re.escape(title)}$", text, re.MULTILINE)
    assert match, f"no option {title!r} in {text!r}"
    return match.group(1)


def open_case(stack: Stack, openid: str, title: str = "院子排水") -> str:
    with session_scope(stack.settings) as session:
        resident = residents.for_channel(session=session, channel="wechat", external_id=openid)
        case = cases.create(
            session=session,
            resident=resident,
            case_in=CaseCreate(
                kind="dispute",
                category="neighbours",
                township="洛河镇",
                title=title,
                channel="wechat",
                description="邻居家的排水管通到我家院子",
            ),
        )
        return case.number


def transition(stack: Stack, headers: dict[str, str], number: str, *steps: dict[str, str]) -> None:
    for step in steps:
        response = stack.http.post(f"/api/staff/cases/{number}/transition", json=step, headers=headers)
        assert response.status_code == 200, response.text


RESOLVE = (
    {"to": "accepted"},
    {"to": "in_progress"},
    {"to": "resolved", "note": "双方达成协议，排水管已改道", "outcome": "agreement"},
)


# -- the server URL ---------------------------------------------------------------------------


def test_the_server_url_check_echoes_only_what_our_token_signed(wechat: FakeWeChat) -> None:
    stamp, nonce = str(int(time.time())), "8731"
    query = {
        "signature": signature(TOKEN, stamp, nonce),
        "timestamp": stamp,
        "nonce": nonce,
        "echostr": "e-42",
    }
    assert httpx.get(wechat.server_url, params=query).text == "e-42"
    forged = query | {"signature": signature("another-token", stamp, nonce)}
    assert httpx.get(wechat.server_url, params=forged).status_code == 403


def test_a_push_signed_with_another_token_or_replayed_later_is_refused(
    wechat: FakeWeChat, openid: str
) -> None:
    xml = wechat.xml(openid, "text", Content="你好", MsgId=1)
    assert wechat.post(xml, retries=False, token="another-token").answers == ["403 forbidden"]
    stale = int(time.time()) - 3600
    assert wechat.post(xml, retries=False, timestamp=stale).answers == ["403 forbidden"]
    time.sleep(1.5)
    assert wechat.texts(openid) == []


# -- the 5-second rule, retries and duplicates ------------------------------------------------


def test_a_message_is_acknowledged_at_once_and_answered_through_customer_service(
    wechat: FakeWeChat, openid: str
) -> None:
    delivery = wechat.text(openid, "你好")

    assert delivery.answers == ["200 success"]  # one push: WeChat did not need to retry
    [first, *_] = wechat.wait_for(lambda: wechat.sent(openid))
    assert (
        delivery.answered_at is not None and delivery.answered_at < first.at
    )  # "success" before Rasa's answer
    assert "说事" in wechat.texts(openid)[0]


def test_a_message_wechat_pushes_three_times_is_answered_once(wechat: FakeWeChat, openid: str) -> None:
    xml = wechat.xml(openid, "text", Content="谢谢你", MsgId=next(wechat._ids))
    wechat.age(openid, hours=0)
    for _ in range(3):
        assert wechat.post(xml, retries=False).answers == ["200 success"]
    wechat.wait_for_texts(openid, 1)
    say(wechat, openid, "再见")

    texts = wechat.texts(openid)
    assert sum("不客气" in t for t in texts) == 1
    assert "再见" in texts[-1]


def test_a_menu_click_retried_by_wechat_is_handled_once(wechat: FakeWeChat, openid: str) -> None:
    created = int(time.time())
    for _ in range(2):
        wechat.event(openid, "CLICK", key="MY_CASES", create_time=created)
    wechat.wait_for_texts(openid, 1)
    time.sleep(1.5)

    assert len(wechat.texts(openid)) == 1
    assert "事项" in wechat.texts(openid)[0]


# -- what residents send ----------------------------------------------------------------------


def test_following_the_account_greets_the_resident(wechat: FakeWeChat, openid: str) -> None:
    wechat.event(openid, "subscribe")

    assert "说事" in wechat.wait_for_texts(openid, 1)[0]


def test_a_voice_message_is_read_by_wechats_recognition_or_politely_declined(
    wechat: FakeWeChat, openid: str
) -> None:
    wechat.voice(openid, recognition="谢谢你。")
    assert "不客气" in wechat.wait_for_texts(openid, 1)[0]
    wechat.voice(openid, recognition="")
    assert "听不了语音" in wechat.wait_for_texts(openid, 2)[1]


def test_a_location_gets_a_clear_reply(wechat: FakeWeChat, openid: str) -> None:
    wechat.location(openid)

    assert "哪个镇" in wechat.wait_for_texts(openid, 1)[0]


def test_a_pasted_scam_message_is_checked(wechat: FakeWeChat, openid: str) -> None:
    reply = say(
        wechat,
        openid,
        "【公安局】您的银行账户涉嫌洗钱，请立即将资金转入安全账户配合调查，否则将冻结。联系人王警官",
    )

    assert "风险" in reply


def test_a_photo_sent_while_a_case_is_open_is_kept_as_evidence(
    stack: Stack, wechat: FakeWeChat, openid: str
) -> None:
    say(wechat, openid, "你好")
    number = open_case(stack, openid)
    wechat.media["photo-1"] = JPEG
    wechat.image(openid, "photo-1")

    assert f"附在您的事项 {number}" in wechat.wait_for_texts(openid, 2)[-1]
    with session_scope(stack.settings) as session:
        case = cases.get_by_number(session=session, number=number)
        stored = session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
        assert [(a.content_type, a.size) for a in stored] == [("image/jpeg", len(JPEG))]


def test_elder_mode_is_switched_from_the_menu(wechat: FakeWeChat, openid: str) -> None:
    wechat.event(openid, "CLICK", key="ELDER")
    assert "长辈模式打开了" in wechat.wait_for_texts(openid, 1)[0]


# -- a whole intake, typed ----------------------------------------------------------------------


def test_a_dispute_is_filed_by_typing_numbers_for_the_options(
    stack: Stack, wechat: FakeWeChat, openid: str
) -> None:
    reply = say(wechat, openid, "我要登记纠纷")
    assert "同意吗" in reply
    reply = say(wechat, openid, option(reply, "同意"))
    assert "哪一类纠纷" in reply
    reply = say(wechat, openid, option(reply, "邻里纠纷"))
    assert "哪个镇" in reply
    for answer, asked in (
        ("孔店乡", "哪个村"),
        ("毛郢村", "发生了什么"),
        ("楼上邻居每天晚上十一点以后还在装修，吵得老人睡不着", "对方是谁"),
        ("楼上302的住户", "怎么解决"),
        ("晚上十点以后停止施工", "联系电话"),
        ("13812345678", "怎么调解"),
    ):
        reply = say(wechat, openid, answer)
        assert asked in reply, (answer, reply)
    reply = say(wechat, openid, "1")
    assert "请核对" in reply
    reply = say(wechat, openid, option(reply, "确认提交"))

    with session_scope(stack.settings) as session:
        resident = residents.find_by_channel(session=session, channel="wechat", external_id=openid)
        assert resident is not None
        [case] = session.scalars(select(Case).where(Case.resident_id == resident.id)).all()
        assert case.number in reply
        assert (case.kind.value, case.township, case.village, case.contact_phone) == (
            "dispute",
            "孔店乡",
            "毛郢村",
            "13812345678",
        )
    reply = say(wechat, openid, "查询我的事项")
    assert case.number in reply


# -- what the assistant sends on its own --------------------------------------------------------


def test_the_survey_arrives_and_is_answered_by_number(
    stack: Stack, wechat: FakeWeChat, openid: str, staff_headers: dict[str, str]
) -> None:
    say(wechat, openid, "你好")
    number = open_case(stack, openid)
    transition(stack, staff_headers, number, *RESOLVE)

    question = wechat.wait_for(
        lambda: next((t for t in wechat.texts(openid) if "满意吗" in t), None), timeout=90
    )
    solved = say(wechat, openid, option(question, "不满意"))
    assert "解决了吗" in solved
    assert "还有什么想对我们说" in say(wechat, openid, option(solved, "没解决"))
    assert "已重新办理" in say(wechat, openid, "管子还没改")
    with session_scope(stack.settings) as session:
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.IN_PROGRESS
    assert any("已受理" in t for t in wechat.texts(openid))  # the status notices came too


def test_a_subscriber_on_wechat_receives_a_published_scam_warning(
    stack: Stack, wechat: FakeWeChat, openid: str
) -> None:
    wechat.event(openid, "CLICK", key="ALERTS")
    where = wechat.wait_for_texts(openid, 1)[0]
    assert "已订阅洛河镇的防骗预警" in say(wechat, openid, option(where, "洛河镇"))

    with session_scope(stack.settings) as session:
        alerts.publish(
            session=session,
            staff=None,
            text="近期有人冒充社保局打电话，要求老人转账激活医保卡",
            fraud_type="elder_insurance",
            townships=["洛河镇"],
        )

    warning = wechat.wait_for(
        lambda: next((t for t in wechat.texts(openid) if "冒充社保局" in t), None), timeout=60
    )
    assert "防骗预警" in warning


def outbox_items(stack: Stack, number: str) -> list[OutboxItem]:
    with session_scope(stack.settings) as session:
        case = cases.get_by_number(session=session, number=number)
        items = list(session.scalars(select(OutboxItem).where(OutboxItem.case_id == case.id)).all())
        session.expunge_all()
        return items


def test_outside_the_48_hours_a_notice_goes_as_a_template_and_a_survey_tells_staff_why_not(
    stack: Stack, wechat: FakeWeChat, openid: str, staff_headers: dict[str, str]
) -> None:
    say(wechat, openid, "你好")
    number = open_case(stack, openid)
    wechat.age(openid, hours=49)
    with session_scope(stack.settings) as session:
        session.execute(
            update(ChannelIdentity)
            .where(ChannelIdentity.channel == "wechat", ChannelIdentity.external_id == openid)
            .values(last_inbound_at=db_now(session=session) - timedelta(hours=49))
        )
    texts_before = len(wechat.texts(openid))
    transition(stack, staff_headers, number, *RESOLVE)

    templates = wechat.wait_for(
        lambda: (t := wechat.sent(openid, "/cgi-bin/message/template/send")) and len(t) >= 2 and t, timeout=60
    )
    assert {t.body["template_id"] for t in templates} == {STATUS_TEMPLATE}
    assert any("已受理" in t.body["data"]["keyword2"]["value"] for t in templates)
    survey = wechat.wait_for(
        lambda: next(
            (
                i
                for i in outbox_items(stack, number)
                if i.kind is OutboxKind.SURVEY and i.status is OutboxStatus.FAILED
            ),
            None,
        ),
        timeout=60,
    )
    assert survey.last_error is not None and "48-hour window" in survey.last_error
    assert "survey" in survey.last_error and "WECHAT__TEMPLATES" in survey.last_error
    assert len(wechat.texts(openid)) == texts_before  # no customer-service message was even tried
    assert not [c for c in wechat.calls if c.path.endswith("custom/send") and c.body.get("touser") == openid][
        texts_before:
    ]


def unreachable(stack: Stack, openid: str) -> bool:
    with session_scope(stack.settings) as session:
        return reach.is_unreachable(session=session, channel=Channel.WECHAT, external_id=openid)


def test_after_unfollowing_nothing_is_sent_until_the_resident_follows_again(
    stack: Stack, wechat: FakeWeChat, openid: str, staff_headers: dict[str, str]
) -> None:
    say(wechat, openid, "你好")
    number = open_case(stack, openid)
    wechat.event(openid, "unsubscribe")
    wechat.wait_for(lambda: unreachable(stack, openid), timeout=10)
    texts_before = len(wechat.texts(openid))
    transition(stack, staff_headers, number, {"to": "accepted"})
    time.sleep(2)  # four dispatcher passes

    assert [i for i in outbox_items(stack, number) if i.channel == "wechat"] == []
    assert len(wechat.texts(openid)) == texts_before
    assert wechat.sent(openid, "/cgi-bin/message/template/send") == []
    wechat.event(openid, "subscribe")
    wechat.wait_for_texts(openid, texts_before + 1)
    assert not unreachable(stack, openid)


def test_an_unfollow_wechat_reports_on_sending_fails_the_item_at_once_and_marks_the_resident(
    stack: Stack, wechat: FakeWeChat, openid: str, staff_headers: dict[str, str]
) -> None:
    say(wechat, openid, "你好")
    number = open_case(stack, openid)
    wechat.unfollowed.add(openid)  # the unsubscribe push never reached us
    transition(stack, staff_headers, number, {"to": "accepted"})

    notice = wechat.wait_for(
        lambda: next((i for i in outbox_items(stack, number) if i.status is OutboxStatus.FAILED), None),
        timeout=60,
    )
    assert notice.attempts == 1  # given up at once: retrying cannot reach an unfollower
    assert notice.last_error is not None and "no longer follows" in notice.last_error
    assert unreachable(stack, openid)


# -- the encrypted (safe) mode ------------------------------------------------------------------


def test_in_safe_mode_an_encrypted_push_is_answered_and_a_plain_one_refused(safe_mode: FakeWeChat) -> None:
    openid = f"oSafeMode{int(time.time())}"
    delivery = safe_mode.text(openid, "谢谢你")
    assert delivery.answers == ["200 success"]
    assert "不客气" in safe_mode.wait_for_texts(openid, 1)[0]

    safe_mode.encrypted = False
    try:
        plain = safe_mode.text(openid, "你好")
    finally:
        safe_mode.encrypted = True
    assert plain.answers[0] == "403 forbidden"
    time.sleep(1.5)
    assert len(safe_mode.texts(openid)) == 1
