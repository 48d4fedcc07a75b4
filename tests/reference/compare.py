"""Print the agreement tables of docs/features.md: ``python -m tests.reference.compare``.

The comparison lives in :mod:`agnlc.features.reference` (the rule ``validation_reference`` puts
the same tables into the validation report); this prints them as Markdown for the docs.
"""

from __future__ import annotations

from pathlib import Path

from agnlc.features import reference

DATA = Path(__file__).resolve().parents[2] / "resources" / "validation" / "reference_features"


def main() -> None:
    ours, ref = reference.agnlc_features(DATA), reference.reference_features(DATA)
    print(reference.agreement(ours, ref).to_markdown(index=False, floatfmt=".3g"))
    print()
    print(reference.drw_agreement(ours, ref).to_markdown(index=False, floatfmt=".3g"))
    print()
    print(reference.dho_agreement(ours, ref, DATA).to_markdown(index=False, floatfmt=".3g"))


if __name__ == "__main__":
    main()
