# Shared by every stage: config validation, derived settings and input functions (no rules here).
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))

# Parsing imports only light modules (names, config, the import walk): no archive client, no
# numerical library, and nothing is written, moved or deleted while the workflow is parsed.
from agnlc.archives import EVENT_SOURCES as _EVENT_NAMES  # noqa: E402
from agnlc.archives import LIGHTCURVE_ARCHIVES as _ARCHIVE_NAMES  # noqa: E402
from agnlc.core.codedeps import import_closure  # noqa: E402
from agnlc.core.config import ConfigError, check_config_files, validate_config  # noqa: E402
from agnlc.objecttables.names import CATALOG_NAMES  # noqa: E402
from agnlc.samples.sizes import auto_shards, estimate_rows, sample_mem_mb  # noqa: E402

try:
    check_config_files(workflow.configfiles)  # duplicate keys: Snakemake's loader keeps the last silently
    config.update(validate_config(config, source=", ".join(map(str, workflow.configfiles)) or "config"))
except ConfigError as err:
    raise WorkflowError(str(err)) from None

BASEDIR = Path(workflow.basedir)
#: one shard of the target table (written by rule split_targets, read by every per-shard rule)
SHARD_TARGETS = "results/samples/shards/{shard}.parquet"
ENVS = BASEDIR / "envs"
MOCK = config["mocksky"]["enabled"]
MOCKDIR = "results/mocksky"

ARCHIVES = [name for name, cfg in config["archives"].items() if cfg.get("enabled", True)]
EVENT_SOURCES = [name for name, cfg in config["events"].items() if cfg.get("enabled", True)]
for _name in ARCHIVES:
    if _name not in _ARCHIVE_NAMES:
        raise WorkflowError(f"config key archives.{_name}: no adapter for archive {_name!r}")
for _name in EVENT_SOURCES:
    if _name not in _EVENT_NAMES:
        raise WorkflowError(f"config key events.{_name}: no adapter for event source {_name!r}")

def mirror_produced_by_mocksky(path):
    """True if ``path`` is one of the mirrors the mocksky rule writes."""
    return MOCK and Path(path).as_posix().startswith(f"{MOCKDIR}/")


def check_mirrors():
    """Stop before any job if a configured mirror does not exist and nothing makes it."""
    for section, names in (("archives", ARCHIVES), ("events", EVENT_SOURCES)):
        for name in names:
            acfg = config[section][name]
            if acfg["transport"] != "mirror":
                continue
            if not mirror_produced_by_mocksky(acfg["mirror"]) and not Path(acfg["mirror"]).is_dir():
                raise WorkflowError(
                    f"config key {section}.{name}.mirror: folder {acfg['mirror']!r} does not exist "
                    "(and the mock sky does not write it)"
                )
    for name, ccfg in config["objecttable"]["catalogs"].items():
        if not ccfg["enabled"]:
            continue
        if ccfg["transport"] == "mirror" and not mirror_produced_by_mocksky(ccfg["mirror"]):
            if not Path(ccfg["mirror"]).is_dir():
                raise WorkflowError(
                    f"config key objecttable.catalogs.{name}.mirror: folder {ccfg['mirror']!r} does not exist "
                    "(and the mock sky does not write it)"
                )


check_mirrors()


def get_sample_files(wildcards):
    """Every sample file the targets are built from: user files, literature, mock samples."""
    files = list(config["samples"]["files"])
    files += [str(BASEDIR / "resources" / "literature" / f"{name}.ecsv") for name in config["samples"]["literature"]]
    if MOCK:
        names = {"literature": "literature.ecsv", "sdss": "sdss.csv", "xmmlss": "xmmlss.csv"}
        files += [f"{MOCKDIR}/samples/{names[s]}" for s in config["samples"]["mock"]]
    return files


def _n_shards():
    """``samples.n_shards``, or with ``auto`` one shard per ``samples.shard_size`` targets (at least
    ``samples.min_shards``), the targets counted from the mock sky's size or the sample files."""
    scfg = config["samples"]
    if scfg["n_shards"] != "auto":
        return scfg["n_shards"]
    n = estimate_rows([f for f in get_sample_files(None) if not f.startswith(f"{MOCKDIR}/")])
    if MOCK:
        mcfg = config["mocksky"]
        n += mcfg["n_objects"] + mcfg["n_xray_agn"] + mcfg["literature_size"]
    return auto_shards(n, scfg["shard_size"], scfg["min_shards"])


N_SHARDS = _n_shards()


def get_archive_mirror(name, section="archives"):
    """The mirror folder of an archive as a rule input ([] for live transports)."""
    acfg = config[section][name]
    return [acfg["mirror"]] if acfg["transport"] == "mirror" else []


def query_tokens(name, section="archives"):
    """The job's `<name>_queries` resource: one token for a live service, none for a mirror.

    The profiles cap the tokens per archive (live services throttle heavy users). A local mirror
    needs no throttle, and on a cluster a token held by a shard group job would otherwise
    serialise every shard group behind the tightest cap (one at a time for CRTS).
    """
    return {f"{name}_queries": int(config[section][name]["transport"] == "live")}


def get_catalog_mirror(name):
    """The mirror folder of an Object-table catalogue as a rule input ([] for live transports)."""
    ccfg = config["objecttable"]["catalogs"][name]
    return [ccfg["mirror"]] if ccfg["transport"] == "mirror" else []


#: the Object-table catalogues matched in this run (objecttable.catalogs.<name>.enabled)
CATALOGS_ON = [n for n in CATALOG_NAMES if config["objecttable"]["catalogs"][n]["enabled"]]


def get_catalog_shards(wildcards):
    """Every enabled catalogue's matches for one shard, keyed by catalogue name."""
    return {name: f"results/catalogs/{name}/{wildcards.shard}.parquet" for name in CATALOGS_ON}


def get_s82_coadd_mirror(wildcards):
    """The S82 coadd mirror folder ([] when objecttable.s82_coadd is empty: no coadd match)."""
    path = config["objecttable"]["s82_coadd"]
    return [path] if path else []


def get_field_inputs(wildcards):
    """The Stripe 82 rows also need the S82 coadd match and the features; XMM-LSS rows do not."""
    if wildcards.field == "s82":
        return {
            "coadd": rules.catalog_s82_coadd.output[0].format(shard=wildcards.shard),
            "features": rules.features.output[0].format(shard=wildcards.shard),
        }
    return {}


def get_archive_shards(wildcards):
    """All enabled archives' shard files and status records for one shard."""
    return {
        "parquet": expand("results/lightcurves/{archive}/{shard}.parquet", archive=ARCHIVES, shard=wildcards.shard),
        "status": expand("results/lightcurves/{archive}/{shard}.status.json", archive=ARCHIVES, shard=wildcards.shard),
    }


def get_failed_archive_records(wildcards):
    """The released failures of this shard's archives (agnlc.core.retry) as a params value of the
    merge: a new failure changes it, so the next run reruns the merge, which needs (and so
    retries) the released archive shard; a retried shard's record stays, unchanged, after."""
    from agnlc.core.retry import failure_records

    return failure_records("results", wildcards.shard)


def _shipped_folder(path):
    """A configured validation folder: absolute, or relative to the workflow's folder (the
    shipped resources/validation/...) unless it exists relative to the run's folder."""
    if not path:
        return ""
    if Path(path).is_absolute() or Path(path).is_dir():
        return str(path)
    return str(BASEDIR / path)


#: The Object tables written as HATS catalogues too.
HATS_TABLES = ["ObjectTable", "s82ObjectTable", "xmmlssObjectTable"]
HATS_TABLE_DIRS = [f"results/{name}.hats" for name in HATS_TABLES]

#: The light curves as a HATS catalogue (config outputs.lightcurves_hats).
HATS_LIGHTCURVES = ["results/lightcurves.hats"] if config["outputs"]["lightcurves_hats"] else []

#: Figures of rule all; the validation figures only when there is truth to validate against.
_SESAR = _shipped_folder(config["validation"]["sesar_rrlyrae"])
#: The reference light curves and the challenge tools' features of them (validation_reference).
REFERENCE_FEATURES = _shipped_folder(config["validation"]["reference_features"])
VALIDATION_REFERENCE = (
    ["results/validation/reference_agreement.html"]
    if REFERENCE_FEATURES and Path(REFERENCE_FEATURES).is_dir()
    else []
)
FIGURES = [
    "results/figures/lightcurves",
    "results/figures/skymap.png",
    "results/figures/coverage.png",
    "results/figures/colours.png",
    "results/figures/features_by_class.png",
]
if MOCK:
    FIGURES.append("results/figures/drw_recovery.png")
if MOCK or (_SESAR and Path(_SESAR).is_dir()):
    FIGURES.append("results/figures/period_recovery.png")


def get_sesar_rrlyrae(wildcards):
    """The Sesar et al. (2010) RR Lyrae folder, when configured and present."""
    return [_SESAR] if _SESAR and Path(_SESAR).is_dir() else []


def code(script, *modules):
    """The library files a rule's script runs (its import closure inside agnlc, computed by
    agnlc.core.codedeps), plus modules it loads by name (``modules``), so that editing any of
    them reruns exactly the rules that use it."""
    return [str(p) for p in import_closure(BASEDIR / "scripts" / script, tuple(modules))]


# After every run, shards that ended in an archive error are released so the next run retries
# exactly them (agnlc.core.retry); the merge of this run has already named the missing archives.
def _release_failed_shards():
    from agnlc.core.retry import release_failed_shards

    released = release_failed_shards("results")
    if released:
        print(
            f"agnlc: {len(released)} archive shard(s) failed and will be retried by the next run: "
            + ", ".join(f"{p.parent.name} {p.name.removesuffix('.failed.json')}" for p in released),
            file=sys.stderr,
        )


onsuccess:
    _release_failed_shards()


onerror:
    _release_failed_shards()


# Damaged outputs (a truncated Parquet file, a zarr chunk gone) are found and moved aside to
# <name>.corrupt by `python -m agnlc repair` (`make run` runs it first); every moved-aside output
# that is still missing is a target of rule all, so the run (or the dry run's plan) rebuilds it
# and every job after it (agnlc.core.integrity). Listing them only reads the results folder.
def _pending_rebuilds():
    if not workflow.is_main_process:
        return []
    from agnlc.core.integrity import pending_rebuilds

    return [str(p) for p in pending_rebuilds("results")]


REBUILD = _pending_rebuilds()
