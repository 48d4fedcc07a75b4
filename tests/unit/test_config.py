import pytest
import yaml

from agnlc.core.config import SCHEMA_PATH, ConfigError, load_schema, validate_config
from tests.conftest import REPO


def test_default_config_is_valid_and_complete():
    cfg = validate_config(yaml.safe_load((REPO / "config.yaml").read_text()))
    assert cfg["samples"]["n_shards"] == "auto" and cfg["samples"]["shard_size"] >= 10
    assert cfg["archives"]["sdss_s82"]["transport"] == "mirror"


def test_empty_config_gets_every_default():
    cfg = validate_config({})
    assert cfg["mocksky"]["n_objects"] == 2000
    assert cfg["features"]["bands"]["sdss_g"] == "g"


def test_unknown_key_named():
    with pytest.raises(ConfigError, match=r"samples\.n_shard: unknown key"):
        validate_config({"samples": {"n_shard": 3}}, source="my.yaml")


def test_wrong_type_named():
    with pytest.raises(ConfigError, match=r"samples\.n_shards: 'four' does not match '\^auto\$'"):
        validate_config({"samples": {"n_shards": "four"}})


def test_negative_radius_named():
    with pytest.raises(ConfigError, match=r"archives\.sdss_s82\.radius_arcsec"):
        validate_config({"archives": {"sdss_s82": {"radius_arcsec": -1}}})


def test_every_schema_key_has_description_and_default():
    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            assert "description" in sub, f"{path}{key} has no description"
            assert "default" in sub, f"{path}{key} has no default"
            if sub.get("type") == "object":
                walk(sub, f"{path}{key}.")

    walk(load_schema(SCHEMA_PATH), "")
