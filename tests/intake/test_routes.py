"""Which route the assistant suggests for a problem a resident describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.intake.routes import route_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("problem", "response", "category"),
    [
        ("老板拖欠工资三个月了我该找谁", "utter_route_labour", "labour"),
        ("my boss hasn't paid my wages, where should I go", "utter_route_labour", "labour"),
        ("邻居占了我家的宅基地，该找哪里解决", "utter_route_mediation", "land"),
        ("楼上邻居天天吵该走什么途径", "utter_route_mediation", "neighbours"),
        ("法院已经判了但我不服，该找谁", "utter_route_court", None),
        ("养老金算错了，社保部门不理，我该去哪里反映", "utter_route_petition", None),
        ("这种事该走什么途径", "utter_route_mediation", "other"),
    ],
)
def test_the_route_suits_the_problem(problem: str, response: str, category: str | None) -> None:
    route = route_for(problem)
    assert (route.response, route.category) == (response, category)


def test_the_route_texts_never_say_an_award_can_be_appealed_or_retried() -> None:
    # 劳动争议调解仲裁法 Arts. 48, 50: an award is challenged by suing within 15 days of receiving it.
    domain = yaml.safe_load((ROOT / "domain" / "intake.yml").read_text("utf-8"))
    for name in ("utter_route_court", "utter_route_labour"):
        for variation in domain["responses"][name]:
            text = variation["text"]
            assert "裁决不服的，按法律规定上诉" not in text and "judgment or award, appeal" not in text
            assert "15" in text, (name, variation.get("condition"))
