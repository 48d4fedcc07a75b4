"""Stage 3, merge: the archives' shards of one shard into merged light curves and a summary
(:mod:`agnlc.merge.lightcurves`), the zarr store (:mod:`agnlc.merge.store_writer`) and the reader
API of the store and the merged Parquet (:mod:`agnlc.merge.store`)."""
