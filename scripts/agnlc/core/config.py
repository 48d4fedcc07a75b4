"""Configuration validation against ``workflow/schemas/config.schema.yaml``.

Defaults from the schema are filled in, then every violation is reported with the dotted
key it concerns (``samples.n_shards: 'four' is not of type 'integer'``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from agnlc.core.paths import SCHEMAS

__all__ = ["SCHEMA_PATH", "ConfigError", "load_schema", "validate_config"]

SCHEMA_PATH = SCHEMAS / "config.schema.yaml"


class ConfigError(ValueError):
    """The configuration does not satisfy its schema; the message names every bad key."""


def load_schema(path: str | Path = SCHEMA_PATH) -> dict[str, Any]:
    """Read the YAML schema."""
    with open(path) as fh:
        return yaml.safe_load(fh)


def _fill_defaults(instance: Any, schema: dict[str, Any]) -> None:
    if not isinstance(instance, dict) or schema.get("type") != "object":
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if key in instance:
            _fill_defaults(instance[key], sub)


def _key(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if error.schema.get("additionalProperties") is False and extra:
            return ".".join(filter(None, [path, extra[0]]))
    return path or "(top level)"


def validate_config(
    config: dict[str, Any], source: str = "config", schema_path: str | Path = SCHEMA_PATH
) -> dict[str, Any]:
    """Fill defaults and validate a config dict.

    Parameters
    ----------
    config
        The loaded configuration (not modified).
    source
        Name of the config file(s) for messages.
    schema_path
        The JSON schema (YAML).

    Returns
    -------
    dict
        A new dict with every default filled in.

    Raises
    ------
    ConfigError
        Listing every violation as ``key: message``.
    """
    schema = load_schema(schema_path)
    cfg = copy.deepcopy(config) if config else {}
    _fill_defaults(cfg, schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(cfg), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = []
        for e in errors:
            key = _key(e)
            if e.validator == "additionalProperties":
                lines.append(f"  {key}: unknown key (allowed: {sorted(e.schema.get('properties', {}))})")
            else:
                lines.append(f"  {key}: {e.message}")
        raise ConfigError(f"invalid configuration in {source}:\n" + "\n".join(lines))
    return cfg
