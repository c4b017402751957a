"""The district profile: the bundled Datong profile, and bad profiles stopping the start."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cases.enums import CaseKind
from bot.config import DistrictSettings, Settings
from bot.district import BUNDLED_PROFILE, ProfileError, load_profile, parse_profile


@pytest.fixture
def datong() -> dict[str, object]:
    loaded = yaml.safe_load(BUNDLED_PROFILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _load(tmp_path: Path, data: object) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_profile(Settings(var_dir=tmp_path, district=DistrictSettings(profile=path)))


def test_bundled_profile_is_datong_with_its_five_towns_and_sub_districts() -> None:
    profile = load_profile(Settings())

    assert (profile.name, profile.city, profile.province) == ("大通区", "淮南市", "安徽省")
    assert [township.name for township in profile.townships] == [
        "大通街道",
        "洛河镇",
        "上窑镇",
        "九龙岗镇",
        "孔店乡",
    ]


def test_bundled_profile_numbers_cases_with_the_dt_prefix() -> None:
    numbering = load_profile(Settings()).case_numbering

    assert numbering.prefix == "DT"
    assert numbering.kind_codes == {
        CaseKind.DISPUTE: "JF",
        CaseKind.PETITION: "XF",
        CaseKind.CONSULTATION: "ZX",
    }


def test_petitions_are_decided_in_15_days_handled_in_60_and_extended_by_at_most_30() -> None:
    limits = load_profile(Settings()).limits(CaseKind.PETITION)

    assert (limits.accept_within_days, limits.handle_within_days, limits.extend_max_days) == (15, 60, 30)


def test_bundled_profile_lists_the_public_hotlines() -> None:
    numbers = {hotline.number for hotline in load_profile(Settings()).hotlines}

    assert numbers == {"110", "120", "96110", "12338", "12345", "12348", "12356"}


def test_a_96110_warning_call_shows_the_local_area_code() -> None:
    # Police guidance: a warning call shows area code + 96110 (Huainan: 0554 96110).
    assert load_profile(Settings()).antifraud_caller_id == "0554 96110"


def test_a_profile_without_an_area_code_says_just_96110() -> None:
    text = BUNDLED_PROFILE.read_text(encoding="utf-8").replace('area_code: "0554"', "area_code: null")
    assert parse_profile(text).antifraud_caller_id == "96110"


def test_an_area_code_must_look_like_one() -> None:
    text = BUNDLED_PROFILE.read_text(encoding="utf-8").replace('area_code: "0554"', 'area_code: "554"')
    with pytest.raises(ProfileError, match="area_code"):
        parse_profile(text)


def test_bundled_village_lists_say_they_are_incomplete() -> None:
    townships = load_profile(Settings()).townships

    assert not any(township.villages_complete for township in townships)


def test_unknown_addresses_are_null_with_a_text_the_bot_can_show() -> None:
    profile = load_profile(Settings())
    places = [profile.centre, *(township.mediation_room for township in profile.townships)]

    assert all(place is not None and place.address is None and place.fallback for place in places)


def test_a_profile_without_case_numbering_names_the_missing_field(tmp_path: Path, datong: dict) -> None:
    del datong["case_numbering"]

    with pytest.raises(ProfileError, match=r"case_numbering: Field required"):
        _load(tmp_path, datong)


def test_a_wrong_time_limit_names_its_field(tmp_path: Path, datong: dict) -> None:
    datong["time_limits"]["petition"]["accept_within_days"] = 0

    with pytest.raises(ProfileError, match=r"time_limits\.petition\.accept_within_days"):
        _load(tmp_path, datong)


def test_a_misspelt_key_is_an_error(tmp_path: Path, datong: dict) -> None:
    datong["townships"][0]["vilages"] = ["某村"]

    with pytest.raises(ProfileError, match=r"townships\.0\.vilages: Extra inputs are not permitted"):
        _load(tmp_path, datong)


def test_a_kind_without_time_limits_is_an_error(tmp_path: Path, datong: dict) -> None:
    del datong["time_limits"]["consultation"]

    with pytest.raises(ProfileError, match=r"time_limits: .*no time limits for consultation"):
        _load(tmp_path, datong)


def test_a_township_listed_twice_is_an_error(tmp_path: Path, datong: dict) -> None:
    datong["townships"].append(datong["townships"][0])

    with pytest.raises(ProfileError, match="townships listed twice: 大通街道"):
        _load(tmp_path, datong)


def test_an_unknown_time_zone_is_an_error(tmp_path: Path, datong: dict) -> None:
    datong["timezone"] = "Asia/Huainan"

    with pytest.raises(ProfileError, match=r"timezone: .*unknown time zone"):
        _load(tmp_path, datong)


def test_a_profile_that_is_not_yaml_says_so() -> None:
    with pytest.raises(ProfileError, match="not valid YAML"):
        parse_profile("name: [大通区", source="broken.yaml")


def test_a_missing_profile_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"

    with pytest.raises(ProfileError, match=r"nowhere\.yaml: cannot be read"):
        load_profile(Settings(district=DistrictSettings(profile=missing)))
