"""Stage 1, samples: sample files and literature tables into one validated target table, split into
shards (:mod:`agnlc.samples.targets`, :mod:`agnlc.samples.literature`, :mod:`agnlc.samples.contract`)."""
