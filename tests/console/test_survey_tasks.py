"""The phone-survey queue in the console and /api/staff/surveys: whom to call, the full number
only on the task (an audited reveal), the answer recorded as a survey answer, scopes enforced."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.cases import service as cases
from bot.cases.enums import CaseStatus, EventAction
from bot.config import Settings
from bot.db.session import session_scope
from bot.followups.enums import Rating, SurveyStatus
from bot.followups.models import Survey
from tests.console.survey_tasks_setup import resolved_walk_in


def test_the_queue_shows_whom_to_call_masked_and_the_task_the_full_number_audited(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    signed_in("supervisor", username="lead")
    number, survey_id = resolved_walk_in(console_settings, by="lead")

    queue = client.get("/console/surveys")
    assert queue.status_code == 200
    assert number in queue.text and "139****5678" in queue.text and "李*" in queue.text
    assert "13912345678" not in queue.text

    task = client.get(f"/console/surveys/{survey_id}")
    assert "13912345678" in task.text
    with session_scope(console_settings) as session:
        case = cases.get_by_number(session=session, number=number)
        assert case.events[-1].action is EventAction.PERSONAL_DATA_REVEALED
        assert case.events[-1].note == "contact_phone"


def test_an_answer_recorded_in_the_console_closes_the_case(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    csrf = signed_in("supervisor", username="lead")
    number, survey_id = resolved_walk_in(console_settings, by="lead")

    response = client.post(
        f"/console/surveys/{survey_id}/answer",
        data={"csrf": csrf, "rating": "satisfied", "solved": "yes", "comment": "很满意"},
    )

    assert response.status_code == 303
    with session_scope(console_settings) as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None and survey.status is SurveyStatus.ANSWERED
        assert survey.rating is Rating.SATISFIED and survey.comment == "很满意"
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.CLOSED
    assert number not in client.get("/console/surveys").text


def test_the_api_lists_answers_and_records_not_reached(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    add_staff("lead", "supervisor")
    headers = token_for("lead")
    number, survey_id = resolved_walk_in(console_settings, by="lead")
    other_number, other_id = resolved_walk_in(console_settings, by="lead", phone="13800001111")

    listed = client.get("/api/staff/surveys", headers=headers).json()["surveys"]
    assert [(item["case"], item["phone"]) for item in listed] == [
        (number, "139****5678"),
        (other_number, "138****1111"),
    ]
    assert client.get(f"/api/staff/surveys/{survey_id}", headers=headers).json()["phone"] == "13912345678"

    answered = client.post(
        f"/api/staff/surveys/{survey_id}/answer",
        headers=headers,
        json={"rating": "not_satisfied", "solved": "no", "comment": "楼道还是堆满杂物"},
    )
    assert answered.status_code == 200 and answered.json()["case_status"] == "in_progress"
    tried = client.post(f"/api/staff/surveys/{other_id}/not-reached", headers=headers, json={"note": "关机"})
    assert tried.json()["call_attempts"] == 1
    assert client.get("/api/staff/surveys", headers=headers).json() == {"surveys": []}
    assert (
        client.post(
            f"/api/staff/surveys/{survey_id}/answer",
            headers=headers,
            json={"rating": "satisfied", "solved": "yes"},
        ).status_code
        == 404
    )
    with session_scope(console_settings) as session:
        survey = session.scalars(select(Survey).where(Survey.id == other_id)).one()
        assert survey.last_call_note == "关机" and survey.status is SurveyStatus.SENT


def test_a_caseworker_of_another_township_sees_no_task_and_gets_404(
    client: TestClient,
    add_staff: Callable[..., str],
    token_for: Callable[[str], dict[str, str]],
    console_settings: Settings,
) -> None:
    add_staff("lead", "supervisor")
    add_staff("kongdian", "caseworker", "孔店乡")
    _, survey_id = resolved_walk_in(console_settings, by="lead")
    headers = token_for("kongdian")

    assert client.get("/api/staff/surveys", headers=headers).json() == {"surveys": []}
    assert client.get(f"/api/staff/surveys/{survey_id}", headers=headers).status_code == 404
    assert (
        client.post(f"/api/staff/surveys/{survey_id}/not-reached", headers=headers, json={}).status_code
        == 404
    )


def test_an_answer_without_the_satisfaction_is_refused_and_changes_nothing(
    client: TestClient, signed_in: Callable[..., str], console_settings: Settings
) -> None:
    csrf = signed_in("supervisor", username="lead")
    number, survey_id = resolved_walk_in(console_settings, by="lead")

    response = client.post(f"/console/surveys/{survey_id}/answer", data={"csrf": csrf, "solved": "yes"})

    assert response.status_code == 400 and "satisfaction" in response.text
    with session_scope(console_settings) as session:
        survey = session.get(Survey, survey_id)
        assert survey is not None and survey.status is SurveyStatus.SCHEDULED
        assert cases.get_by_number(session=session, number=number).status is CaseStatus.RESOLVED
