"""Benchmark runner: ``python -m benchmarks <name> [options]`` (see each module)."""

import sys

from benchmarks import feature_object, features, hats_outputs, lcstore, mocksky, objecttable, scale

RUNNERS = {
    "mocksky": mocksky.main,
    "lcstore": lcstore.main,
    "features": features.main,
    "feature_object": feature_object.main,
    "scale": scale.main,
    "objecttable": objecttable.main,
    "hats_outputs": hats_outputs.main,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in RUNNERS:
        sys.exit(f"usage: python -m benchmarks {{{','.join(RUNNERS)}}} [options]")
    sys.exit(RUNNERS[sys.argv[1]](sys.argv[2:]))
