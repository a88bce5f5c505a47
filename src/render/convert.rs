//! Postbacks as JSON, NDJSON and CSV records.
