"""Security properties checked on the source: replies parsed without eval/pickle, HTTP with TLS
verification and timeouts, no credentials in config, wildcards that cannot leave results/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
LIBRARY = sorted((REPO / "scripts").rglob("*.py"))
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
UNSAFE_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}
HTTP_FUNCS = {"get", "post", "put", "head", "request"}


def _trees():
    for path in LIBRARY:
        yield path, ast.parse(path.read_text(), filename=str(path))


def test_no_eval_exec_or_pickle_in_the_code():
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in UNSAFE_CALLS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.func.id}()")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                bad = [n for n in names if n and n.split(".")[0] in UNSAFE_MODULES]
                found += [f"{path.relative_to(REPO)}:{node.lineno} import {n}" for n in bad]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml"):  # fmt: skip
                found.append(f"{path.relative_to(REPO)}:{node.lineno} yaml.load (use yaml.safe_load)")
    assert not found, found


def test_http_requests_verify_tls_and_time_out():
    """Every requests.<verb>(...) call passes a timeout and never verify=False; the other HTTP
    clients are sessions from agnlc.sessions.timeout_session (timeout and TLS enforced there)."""
    calls = 0
    problems = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "timeout_session":
                calls += 1
                continue
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id == "requests" and node.func.attr in HTTP_FUNCS):
                continue
            calls += 1
            kw = {k.arg: k.value for k in node.keywords}
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if "timeout" not in kw:
                problems.append(f"{where}: no timeout")
            v = kw.get("verify")
            if isinstance(v, ast.Constant) and v.value is False:
                problems.append(f"{where}: verify=False")
    assert calls >= 4 and not problems, (calls, problems)


def test_no_credentials_in_config_or_schema():
    secret = re.compile(r"(password|passwd|token|secret|api[_-]?key|credential)", re.IGNORECASE)

    def keys(d) -> list[str]:
        return [k2 for k, v in d.items() for k2 in [str(k), *keys(v)]] if isinstance(d, dict) else []

    for path in (REPO / "config.yaml", REPO / "workflow/schemas/config.schema.yaml", REPO / "tests/data/tiny.yaml"):
        assert not [k for k in keys(yaml.safe_load(path.read_text())) if secret.search(k)], path


def test_wildcards_are_constrained_to_shard_names():
    """The wildcards are {shard} (i-of-n) and {field} (s82 or xmmlss): no '/' or '..' can reach a path."""
    text = (REPO / "Snakefile").read_text()
    assert re.search(r'wildcard_constraints:\s*\n\s*shard=r"\\d\+-of-\\d\+",\s*\n\s*field="s82\|xmmlss"', text)
    wildcards = set()
    for smk in (REPO / "workflow" / "rules").glob("*.smk"):
        for block in re.findall(r"\n( +)output:\n((?:\1 +.*\n)+)", smk.read_text()):
            text = block[1]
            plain = re.sub(r'f"[^"]*"', "", text)  # f-strings: their wildcards are written {{name}}
            wildcards |= set(re.findall(r"(?<!\{)\{([a-z_]+)\}(?!\})", plain))
            wildcards |= set(re.findall(r"\{\{([a-z_]+)\}\}", text))
    assert "shard" in wildcards and wildcards <= {"shard", "field", "scatteritem", "objectid"}, wildcards
