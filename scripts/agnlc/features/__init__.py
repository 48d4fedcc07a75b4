"""Stage 4, features: definitions of the lc* columns (:mod:`agnlc.features.definitions`), their
computation (:mod:`agnlc.features.compute`, :mod:`agnlc.features.periodic`,
:mod:`agnlc.features.gpfit`, :mod:`agnlc.features.carma`) and the recovery checks against truth
and real data (:mod:`agnlc.features.validation`)."""
