"""Typed answers to offered buttons: a number or a title is the press; anything else goes to the
understanding with the offered intents as context."""

from __future__ import annotations

from bot.conversation.answers import expected_intents, pressed_by_typing

SURVEY = [
    {"title": "解决了", "payload": "/solved_yes"},
    {"title": "部分解决", "payload": "/solved_partly"},
    {"title": "没解决", "payload": "/solved_no"},
]
MEDIATION = [
    {"title": "1 到调解室", "payload": '/choose{"c":"room"}'},
    {"title": "2 电话调解", "payload": '/choose{"c":"phone"}'},
]


def test_a_typed_number_presses_that_button() -> None:
    assert pressed_by_typing("3", SURVEY) == "/solved_no"
    assert pressed_by_typing("第二个", MEDIATION) == '/choose{"c":"phone"}'
    assert pressed_by_typing("２", MEDIATION) == '/choose{"c":"phone"}'  # full-width, as phones type it


def test_a_number_beyond_the_buttons_is_not_a_press() -> None:
    assert pressed_by_typing("4", SURVEY) is None
    assert pressed_by_typing("0", SURVEY) is None


def test_a_typed_title_presses_that_button_in_either_script_and_without_its_number() -> None:
    assert pressed_by_typing("没解决。", SURVEY) == "/solved_no"
    assert pressed_by_typing("沒解決", SURVEY) == "/solved_no"  # Traditional
    assert pressed_by_typing("电话调解", MEDIATION) == '/choose{"c":"phone"}'


def test_a_sentence_is_not_a_press_but_carries_the_offered_intents() -> None:
    assert pressed_by_typing("没有解决，希望重新处理", SURVEY) is None
    assert expected_intents(SURVEY) == ["solved_yes", "solved_partly", "solved_no"]
    assert expected_intents(MEDIATION) == ["choose"]  # each intent once


def test_nothing_offered_means_nothing_pressed_or_expected() -> None:
    assert pressed_by_typing("1", []) is None
    assert expected_intents([]) == []
