"""Sky geometry and photometry: HEALPix indices, positional cross-matching, survey footprints, flux
and magnitude conversions, the band registry and the target classes."""
