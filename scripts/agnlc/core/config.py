"""Configuration validation against ``workflow/schemas/config.schema.yaml``.

Defaults from the schema are filled in, then every violation is reported with the dotted
key it concerns (``samples.n_shards: 'four' is not of type 'integer'``). An integer key takes
integers only (``3.0`` is refused, not truncated). Beyond the schema: the ``features.bands``
mapping names registry bands (``resources/bands.csv``), one light-curve band per object-table
band. Config files are read strictly (:func:`load_yaml`): a duplicate key or a syntax error
names the file and line.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from agnlc.core.paths import RESOURCES, SCHEMAS

__all__ = ["SCHEMA_PATH", "ConfigError", "check_config_files", "load_schema", "load_yaml", "validate_config"]

SCHEMA_PATH = SCHEMAS / "config.schema.yaml"


class ConfigError(ValueError):
    """The configuration does not satisfy its schema; the message names every bad key."""


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys (PyYAML keeps the last silently)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise ConfigError(f"line {line}: duplicate key {key!r} (first at line {seen[key]})")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_yaml(path: str | Path) -> Any:
    """Read one YAML config file strictly.

    Raises
    ------
    ConfigError
        ``<path> line N: duplicate key 'k' (first at line M)`` or
        ``<path> line N, column C: YAML syntax error: <problem>``.
    """
    loader = _StrictLoader(Path(path).read_text(encoding="utf-8"))  # a SafeLoader: no object construction
    try:
        return loader.get_single_data()
    except ConfigError as exc:
        raise ConfigError(f"{path} {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise ConfigError(f"{path} {where}: YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML error: {exc}") from None
    finally:
        loader.dispose()


def check_config_files(paths: list[str | Path]) -> None:
    """:func:`load_yaml` on each config file (the workflow's own loader keeps duplicates silently)."""
    for p in paths:
        if Path(p).is_file():
            load_yaml(p)


def _registry_bands() -> set[str]:
    with open(RESOURCES / "bands.csv", newline="") as fh:
        return {row["band"] for row in csv.DictReader(fh)}


def _semantic_errors(cfg: dict[str, Any]) -> list[str]:
    """Violations the schema cannot express."""
    out = []
    bands = cfg.get("features", {}).get("bands", {})
    if isinstance(bands, dict):
        known = _registry_bands()
        for lc_band in bands:
            if lc_band not in known:
                out.append(
                    f"  features.bands.{lc_band}: not a band of the registry resources/bands.csv "
                    f"(e.g. {sorted(known)[:6]})"
                )
        by_letter: dict[str, list[str]] = {}
        for lc_band, letter in bands.items():
            by_letter.setdefault(str(letter), []).append(str(lc_band))
        for letter, names in by_letter.items():
            if len(names) > 1:
                out.append(
                    f"  features.bands: {names} are all mapped to object-table band {letter!r} "
                    "(one light-curve band per object-table band)"
                )
    return out


def _strict_integers(cls: type) -> type:
    """A validator class whose ``integer`` excludes floats such as ``3.0`` (and booleans)."""
    checker = cls.TYPE_CHECKER.redefine("integer", lambda _, x: isinstance(x, int) and not isinstance(x, bool))
    return jsonschema.validators.extend(cls, type_checker=checker)


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
    validator = _strict_integers(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(cfg), key=lambda e: list(map(str, e.absolute_path)))
    lines = []
    if errors:
        for e in errors:
            key = _key(e)
            if e.validator == "additionalProperties":
                lines.append(f"  {key}: unknown key (allowed: {sorted(e.schema.get('properties', {}))})")
            else:
                lines.append(f"  {key}: {e.message}")
    else:
        lines = _semantic_errors(cfg)
    if lines:
        raise ConfigError(f"invalid configuration in {source}:\n" + "\n".join(lines))
    return cfg
