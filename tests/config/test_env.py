import pytest

from siteconf.env import EnvError, env_bool, env_int, env_list


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")

    with pytest.raises(EnvError, match="FLAG='ture' is not a boolean"):
        env_bool("FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("WORKERS", "4")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_int("WORKERS", 2) == 4
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("WORKERS", "four")
    with pytest.raises(EnvError, match="not an integer"):
        env_int("WORKERS", 2)
