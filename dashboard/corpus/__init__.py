"""Corpus mode: dated article archives, batch-geoparsed into a Parquet store and queried with DuckDB; pure."""
