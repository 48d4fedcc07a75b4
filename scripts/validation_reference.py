"""Rule validation_reference: the lc* features against cesium, FATS and EzTao on the shipped
reference light curves (agnlc.features.reference), as JSON and as the report's HTML tables."""

import html
from pathlib import Path

import pandas as pd

from agnlc.core import provenance
from agnlc.core.io import atomic_path, write_json
from agnlc.core.runner import script_main
from agnlc.features.reference import TOLERANCE, agreement_report

_TITLES = {
    "features": "lc* features against cesium 0.12 and FATS 1.3.6: share of light curves within {tol:g} relative",
    "drw": "DRW fit (lcNonPeriodic[27, 28], drwSigmaRms) against EzTao's drw_fit, both fits inside the τ bounds",
    "dho": "DHO fit (lcPeriodic[0-3]) against EzTao's dho_fit, judged by EzTao's likelihood",
}


def _tools(folder: Path) -> list[str]:
    """The version lines the reference tables start with (``# cesium 0.12.4, ...``)."""
    out = []
    for name in ("cesium_features.csv", "eztao_fats_features.csv"):
        with open(folder / name) as fh:
            first = fh.readline().strip()
        out.append(f"{name}: {first.lstrip('# ')}" if first.startswith("#") else name)
    return out


def main(smk):
    folder = Path(smk.input.lightcurves).parent
    tables = agreement_report(folder)
    report = {
        "provenance": provenance.build("validation_reference", {"tolerance": TOLERANCE}, reference=_tools(folder)),
        "reference_folder": str(folder),
        **tables,
    }
    write_json(report, smk.output.json)
    parts = [f"<h2>agnlc's features against the AGN Data Challenge's tools on {html.escape(folder.name)}</h2>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in report["provenance"]["reference"]]
    for key, rows in tables.items():
        parts.append(f"<h3>{html.escape(_TITLES[key].format(tol=TOLERANCE))}</h3>")
        parts.append(pd.DataFrame(rows).to_html(index=False, float_format=lambda x: f"{x:.3g}", na_rep="NaN"))
    with atomic_path(smk.output.html) as tmp:
        tmp.write_text("<html><body>\n" + "\n".join(parts) + "\n</body></html>\n")


script_main(main, snakemake)  # noqa: F821
