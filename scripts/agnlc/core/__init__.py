"""Shared machinery of every stage: configuration, atomic Parquet/JSON I/O, provenance, table
contracts (columns, units, validation), HTTP sessions, rule-script runner, retries of failed shards
and the integrity check of written outputs."""
