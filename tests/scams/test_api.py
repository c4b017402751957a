"""POST /api/scam-check as a client sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.config import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(var_dir=tmp_path)))


def test_a_scam_text_gets_risk_score_type_signs_and_advice(client: TestClient) -> None:
    response = client.post(
        "/api/scam-check",
        json={"text": "您的贷款已审核通过，但银行卡号填错导致资金冻结，需缴纳解冻金3000元，解冻后一起到账"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["risk"] == "high"
    assert 0.6 <= body["score"] <= 1
    assert body["fraud_type"] == "fraud_loan"
    assert body["red_flags"] and all(isinstance(flag, str) for flag in body["red_flags"])
    assert "放款前" in body["advice"] or "贷款" in body["advice"]


def test_an_ordinary_notice_is_low_with_no_type(client: TestClient) -> None:
    body = client.post(
        "/api/scam-check", json={"text": "【顺丰速运】您的快件已签收，签收人：门卫。感谢使用顺丰。"}
    ).json()

    assert body["risk"] == "low"
    assert body["fraud_type"] is None
    assert 0 <= body["score"] < 0.35


def test_links_in_the_answer_cannot_be_tapped(client: TestClient) -> None:
    body = client.post(
        "/api/scam-check",
        json={"text": "恭喜您中奖了！点击 https://prize.example.com/get 领取，需先交手续费"},
    ).json()

    assert "hxxps://prize[.]example[.]com/get" in " ".join(body["red_flags"])
    assert "https://" not in str(body)


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 5001}, {"text": "a", "x": 1}]
)
def test_a_bad_request_gets_422_naming_the_problem(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/api/scam-check", json=body)

    assert response.status_code == 422
    assert "error" in response.json()


def test_an_english_phishing_text_forwarded_defanged_is_named_and_explained_in_english(
    client: TestClient,
) -> None:
    body = client.post(
        "/api/scam-check",
        json={
            "text": "USPS: your package is on hold due to an incomplete address. "
            "Update it within 12 hours: hxxp://usps-track[.]example[.]com"
        },
    ).json()

    assert body["risk"] in {"high", "medium"}
    assert body["fraud_type"] == "fraud_phishing"
    assert "hxxp://usps-track[.]example[.]com" in " ".join(body["red_flags"])
    assert "official" in body["advice"]
