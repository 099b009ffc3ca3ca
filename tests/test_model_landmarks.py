from stridelab.io.markerset import best_preset, map_markers
from stridelab.model.landmarks import canonicalize, match_name, split_side


def test_side_prefixes_and_suffixes() -> None:
    assert split_side("L.ASIS") == ("l", "ASIS")
    assert split_side("RASI") == ("r", "ASI")
    assert split_side("Heel_L") == ("l", "Heel")
    assert split_side("LeftKneeLat") == ("l", "KneeLat")
    assert split_side("C7") == (None, "C7")


def test_matcher_maps_common_lab_names() -> None:
    cases = {
        "LASI": "l_asis",
        "R.PSIS": "r_psis",
        "LBackAsis": "l_psis",
        "R_lat_knee": "r_knee_lat",
        "L.Knee.Medial": "l_knee_med",
        "RANK": "r_ankle_lat",
        "LHEE": "l_heel",
        "R.Heel.Bottom": "r_heel_bottom",
        "LMT5": "l_mt5",
        "RTOE": "r_toe",
        "LWristLat": "l_wrist_rad",
        "CLAV": "clav",
        "V.Sacral": "sacrum",
    }
    names, unmapped = canonicalize(list(cases))
    assert unmapped == []
    assert names == list(cases.values())


def test_clusters_are_numbered_per_side_and_segment() -> None:
    names, _ = canonicalize(["L_thigh_1", "L_thigh_2", "R_thigh_1", "pelvis_1"])
    assert names == ["l_thigh_c1", "l_thigh_c2", "r_thigh_c1", "pelvis_c1"]


def test_unknown_names_are_kept() -> None:
    assert match_name("Battery")[1] is None
    m = map_markers(["LASI", "Battery"])
    assert m.names == ["l_asis", "Battery"]
    assert m.unmapped == ["Battery"]


def test_presets_are_chosen_by_coverage() -> None:
    assert best_preset(["pelvis_1", "L_thigh_1", "L_hip", "R_hip"])[0] == "ric2024"
    m = map_markers(["L_hip", "R_hip", "pelvis_1"])
    assert m.preset == "ric2024" and m.names[:2] == ["l_gtr", "r_gtr"]


def test_user_mapping_wins(tmp_path) -> None:
    f = tmp_path / "map.csv"
    f.write_text("lab_name,canonical\nHipMarker,l_gtr\n")
    from stridelab.io.markerset import read_user_mapping

    m = map_markers(["HipMarker", "LASI"], read_user_mapping(f))
    assert m.names == ["l_gtr", "l_asis"]


def test_user_mapping_with_unknown_target_is_refused(tmp_path) -> None:
    import pytest

    from stridelab.errors import InvalidInputError
    from stridelab.io.markerset import read_user_mapping

    f = tmp_path / "map.json"
    f.write_text('{"HipMarker": "hip_thing"}')
    with pytest.raises(InvalidInputError, match="unknown canonical landmark"):
        read_user_mapping(f)
