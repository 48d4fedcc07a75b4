"""Stage 5, Object tables: catalogue cross-matches (:mod:`agnlc.objecttables.catalogs`), the rows of
the Stripe 82 and XMM-LSS tables (:mod:`agnlc.objecttables.rows`), their merge
(:mod:`agnlc.objecttables.merge`) and the LSE-163 contract (:mod:`agnlc.objecttables.contract`)."""
