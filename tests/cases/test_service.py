"""Registering cases and working them: what the store holds, what each view shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.cases import service as cases
from bot.cases.enums import CaseCategory, CaseKind, CaseStatus, EventAction
from bot.cases.errors import CaseNotFound, InvalidCase, NotPermitted
from bot.cases.models import Case
from bot.cases.schemas import CaseCreate, CaseDetail, CaseRead, ResidentCaseView
from bot.district import DistrictProfile
from bot.residents import service as residents
from bot.residents.models import Resident
from bot.staff.models import StaffUser


def test_a_registered_case_holds_what_the_resident_said(
    session: Session, resident: Resident, case_input: Callable[..., CaseCreate]
) -> None:
    case = cases.create(
        session=session,
        case_in=case_input("dispute", contact_phone="+86 138 1234 5678", contact_preference="visit_village"),
        resident=resident,
    )
    session.expire_all()
    stored = cases.get_by_number(session=session, number=case.number)

    assert (stored.kind, stored.category, stored.status) == (
        CaseKind.DISPUTE,
        CaseCategory.NEIGHBOURS,
        CaseStatus.REGISTERED,
    )
    assert (stored.township, stored.title, stored.other_party) == ("洛河镇", "邻居装修噪音", "楼上住户")
    assert (stored.contact_phone, stored.contact_preference.value if stored.contact_preference else None) == (
        "13812345678",
        "visit_village",
    )
    assert stored.resident_id == resident.id


def test_a_case_from_a_resident_in_elder_mode_is_flagged_elderly(
    session: Session, resident: Resident, make_case: Callable[..., Case]
) -> None:
    residents.set_elder_mode(session=session, resident=resident, on=True)

    assert make_case("dispute", elderly=False).elderly is True


def test_a_case_in_a_township_outside_the_district_is_refused(
    session: Session, resident: Resident, case_input: Callable[..., CaseCreate]
) -> None:
    with pytest.raises(InvalidCase, match="township: '田家庵区' is not a town or sub-district of 大通区"):
        cases.create(session=session, case_in=case_input(township="田家庵区"), resident=resident)


def test_a_village_missing_from_an_incomplete_list_is_accepted(
    session: Session, resident: Resident, case_input: Callable[..., CaseCreate]
) -> None:
    case = cases.create(
        session=session, case_in=case_input(township="上窑镇", village="某某村"), resident=resident
    )

    assert case.village == "某某村"


def test_a_village_missing_from_a_complete_list_is_refused(
    session: Session, resident: Resident, case_input: Callable[..., CaseCreate], profile: DistrictProfile
) -> None:
    township = profile.townships[4].model_copy(update={"villages_complete": True})
    session.info["district_profile"] = profile.model_copy(
        update={"townships": (*profile.townships[:4], township)}
    )

    with pytest.raises(InvalidCase, match="village: '某某村' is not a village or community of 孔店乡"):
        cases.create(
            session=session, case_in=case_input(township="孔店乡", village="某某村"), resident=resident
        )


def test_an_invalid_phone_number_never_reaches_the_store(case_input: Callable[..., CaseCreate]) -> None:
    with pytest.raises(ValidationError, match="not a mainland mobile or landline number"):
        case_input(contact_phone="12345")


def test_an_invalid_id_number_never_reaches_the_store(case_input: Callable[..., CaseCreate]) -> None:
    with pytest.raises(ValidationError, match="check digit"):
        case_input("petition", id_number="110105194912310021")


def test_personal_data_stays_out_of_the_case_inputs_repr(case_input: Callable[..., CaseCreate]) -> None:
    shown = repr(case_input("petition"))

    assert "0554" not in shown
    assert "11010519491231002X" not in shown


def test_lists_show_the_contact_phone_masked(make_case: Callable[..., Case]) -> None:
    view = CaseRead.model_validate(make_case("dispute"))

    assert view.contact_phone == "138****5678"


def test_the_staff_detail_masks_id_number_phone_and_name(
    session: Session, make_case: Callable[..., Case], resident: Resident
) -> None:
    resident.name = "王芳"
    view = CaseDetail.model_validate(make_case("petition"))

    assert (view.id_number, view.contact_phone, view.resident_name) == (
        "110***********002X",
        "0554-***1234",
        "王*",
    )


def test_revealing_the_id_number_returns_it_and_leaves_an_audit_event(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("petition")
    worker = make_staff()

    revealed = cases.reveal(session=session, case=case, field="id_number", actor=worker.actor)

    assert revealed == "11010519491231002X"
    event = case.events[-1]
    assert (event.action, event.note, event.actor_staff_id) == (
        EventAction.PERSONAL_DATA_REVEALED,
        "id_number",
        worker.id,
    )


def test_a_resident_cannot_reveal_personal_data(
    session: Session, make_case: Callable[..., Case], resident: Resident
) -> None:
    with pytest.raises(NotPermitted):
        cases.reveal(session=session, case=make_case("petition"), field="id_number", actor=resident.actor)


def test_staff_outside_the_cases_township_do_not_see_it(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("dispute", township="洛河镇")

    with pytest.raises(CaseNotFound):
        cases.get_for_staff(session=session, number=case.number, staff=make_staff(township="上窑镇"))
    assert cases.get_for_staff(session=session, number=case.number, staff=make_staff()).id == case.id


def test_staff_lists_filter_by_status_kind_and_scope(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    dispute_here = make_case("dispute", township="上窑镇")
    make_case("petition", township="上窑镇")
    make_case("dispute", township="洛河镇")
    local = make_staff(township="上窑镇")

    listed = cases.list_for_staff(
        session=session, staff=local, kind=CaseKind.DISPUTE, status=CaseStatus.REGISTERED
    )

    assert [case.number for case in listed] == [dispute_here.number]


def test_a_resident_sees_only_their_own_cases_without_staff_notes(
    session: Session, make_case: Callable[..., Case], resident: Resident, make_staff: Callable[..., StaffUser]
) -> None:
    mine = make_case("dispute")
    cases.add_note(session=session, case=mine, author=make_staff(), text="对方态度强硬")
    make_case("dispute", owner=residents.for_channel(session=session, channel="web", external_id="other"))

    views = [
        ResidentCaseView.model_validate(case)
        for case in cases.for_resident(session=session, resident=resident)
    ]

    assert [view.number for view in views] == [mine.number]
    assert "notes" not in views[0].model_dump()


def test_a_staff_note_is_kept_with_an_event_that_does_not_repeat_it(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("dispute")
    author = make_staff()

    cases.add_note(session=session, case=case, author=author, text="已电话联系双方")

    assert [(note.text, note.author_id) for note in case.notes] == [("已电话联系双方", author.id)]
    assert (case.events[-1].action, case.events[-1].note) == (EventAction.NOTE_ADDED, None)


def test_a_supervisor_assigns_a_case_and_the_event_says_to_whom(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("dispute")
    worker = make_staff()

    cases.assign(session=session, case=case, staff=worker, actor=make_staff("supervisor").actor)

    assert case.assigned_to_id == worker.id
    assert (case.events[-1].action, case.events[-1].note) == (EventAction.ASSIGNED, f"staff #{worker.id}")


def test_a_caseworker_takes_a_case_but_cannot_hand_it_to_another(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("dispute")
    me, colleague = make_staff(), make_staff()

    cases.assign(session=session, case=case, staff=me, actor=me.actor)
    with pytest.raises(NotPermitted, match="may take a case, not assign it to others"):
        cases.assign(session=session, case=case, staff=colleague, actor=me.actor)
    assert case.assigned_to_id == me.id


def test_a_case_is_not_assigned_to_staff_of_another_township(
    session: Session, make_case: Callable[..., Case], make_staff: Callable[..., StaffUser]
) -> None:
    case = make_case("dispute", township="洛河镇")

    with pytest.raises(NotPermitted, match="works only on 上窑镇's cases"):
        cases.assign(
            session=session,
            case=case,
            staff=make_staff(township="上窑镇"),
            actor=make_staff("supervisor").actor,
        )


def test_an_unknown_case_number_is_not_found(session: Session) -> None:
    with pytest.raises(CaseNotFound, match="no case DT-JF-2026-999999"):
        cases.get_by_number(session=session, number="DT-JF-2026-999999")
