-- The `postback track` summary, in SQL, over Parquet files `postback convert`
-- wrote: messages, states, orphans, duplicates, conflicts, clock skew,
-- fallback SMS, delivery rate and latency percentiles, overall and per SPID.
--
--   postback convert captures/ -o archive/day1.parquet
--   duckdb -c "SET VARIABLE parquet = 'archive/*.parquet'" -c ".read examples/duckdb/track.sql"
--
-- It reads its state table from examples/lifecycle.tsv, relative to where
-- DuckDB runs; elsewhere, SET VARIABLE lifecycle = '/path/to/lifecycle.tsv'.
--
-- The same rules as `postback track`:
-- * a message is (family, TRACKINGID); what a postback means comes from
--   (ORIGIN, CODE, STATUS) in examples/lifecycle.tsv (a STATUS it does not list
--   takes the code's row without one);
-- * a repeat of the same (code, status, TIMESTAMP) for a message is a
--   duplicate, counted once;
-- * the earliest sent postback and the latest final one decide; two
--   different finals make a conflict; a final without its sent postback is an
--   orphan (a submit failure has none to lack);
-- * latency = final TIMESTAMP - sent TIMESTAMP, left out when negative
--   (clock skew); an MMS delivered as a fallback SMS counts as delivered.
-- Not reproduced: a postback without ORIGIN whose code names one family is
-- tracked by `postback track` but not here.

-- What each (ORIGIN, CODE, STATUS) means: examples/lifecycle.tsv, the table
-- `postback track` reads by (an empty status answers for any other status).
CREATE OR REPLACE TEMP TABLE lifecycle AS
FROM read_csv(coalesce(getvariable('lifecycle'), 'examples/lifecycle.tsv'), delim = '\t', header = true, nullstr = '',
              columns = {'origin': 'VARCHAR', 'code': 'VARCHAR', 'status': 'VARCHAR',
                         'family': 'VARCHAR', 'phase': 'VARCHAR', 'state': 'VARCHAR',
                         'fallback': 'BOOLEAN', 'sent_as_sms': 'BOOLEAN'});

-- Every postback as track reads it: values trimmed, empty ones absent.
CREATE OR REPLACE TEMP VIEW read AS
SELECT
    row_number() OVER () AS n,
    nullif(trim(origin, E' \t\r\n'), '') AS origin,
    nullif(trim(code, E' \t\r\n'), '') AS code,
    nullif(trim(status, E' \t\r\n'), '') AS status,
    nullif(trim(sent_as, E' \t\r\n'), '') AS sent_as,
    nullif(trim(tracking_id, E' \t\r\n'), '') AS tracking_id,
    nullif(trim(spid, E' \t\r\n'), '') AS spid,
    nullif(trim(timestamp_text, E' \t\r\n'), '') AS timestamp_text,
    "timestamp" AS ts
FROM read_parquet(getvariable('parquet'));

-- Each trackable postback with its row of the table: the row naming its
-- STATUS, else the code's row without one.
CREATE OR REPLACE TEMP VIEW steps AS
SELECT r.*, l.family, l.phase, l.state, l.fallback,
       l.status IS NOT NULL AS exact
FROM read r
JOIN lifecycle l
  ON l.origin = r.origin AND l.code = r.code
 AND (l.status = r.status OR l.status IS NULL)
 AND (NOT l.sent_as_sms OR r.sent_as = 'SMS')
WHERE r.tracking_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY r.n ORDER BY l.status IS NULL, l.sent_as_sms DESC) = 1;

-- Repeats removed: one postback per (message, code, status, time).
CREATE OR REPLACE TEMP VIEW distinct_steps AS
SELECT * FROM steps
QUALIFY row_number() OVER (
    PARTITION BY family, tracking_id, origin, code, status,
                 coalesce(CAST(epoch_ms(ts) AS VARCHAR), timestamp_text, '')
    ORDER BY n) = 1;

CREATE OR REPLACE TEMP VIEW messages AS
WITH sent AS (
    SELECT family, tracking_id, ts, spid FROM distinct_steps WHERE phase = 'sent'
    QUALIFY row_number() OVER (PARTITION BY family, tracking_id
                               ORDER BY ts IS NULL, ts, n) = 1
), final AS (
    SELECT family, tracking_id, ts, spid, state, fallback,
           count(*) OVER (PARTITION BY family, tracking_id) AS finals
    FROM distinct_steps WHERE phase = 'final'
    QUALIFY row_number() OVER (PARTITION BY family, tracking_id
                               ORDER BY ts IS NOT NULL DESC, ts DESC, n DESC) = 1
)
SELECT
    coalesce(s.family, f.family) AS family,
    coalesce(s.tracking_id, f.tracking_id) AS tracking_id,
    coalesce(s.spid, f.spid) AS spid,
    coalesce(f.state, 'pending') AS state,
    f.state IS NOT NULL AND s.tracking_id IS NULL AND f.state <> 'submit_failed' AS orphan,
    coalesce(f.finals, 0) > 1 AS conflict,
    coalesce(f.ts < s.ts, false) AS clock_skew,
    coalesce(f.state = 'delivered' AND f.fallback, false) AS fallback,
    CASE WHEN f.ts >= s.ts THEN epoch_ms(f.ts) - epoch_ms(s.ts) END / 1000.0 AS latency_s
FROM sent s
FULL OUTER JOIN final f USING (family, tracking_id);

CREATE OR REPLACE TEMP VIEW summary AS
SELECT
    (SELECT count(*) FROM read) AS postbacks,
    (SELECT count(*) FROM distinct_steps) AS tracked,
    (SELECT count(*) FROM steps) - (SELECT count(*) FROM distinct_steps) AS duplicates,
    count(*) AS messages,
    count(*) FILTER (state = 'delivered') AS delivered,
    count(*) FILTER (state = 'failed') AS failed,
    count(*) FILTER (state = 'expired') AS expired,
    count(*) FILTER (state = 'rejected') AS rejected,
    count(*) FILTER (state = 'not_supported') AS not_supported,
    count(*) FILTER (state = 'submit_failed') AS submit_failed,
    count(*) FILTER (state = 'pending') AS pending,
    count(*) FILTER (orphan) AS orphans,
    count(*) FILTER (conflict) AS conflicts,
    count(*) FILTER (clock_skew) AS clock_skew,
    count(*) FILTER (fallback) AS fallback,
    count(*) FILTER (state = 'delivered')
        / nullif(count(*) FILTER (state <> 'pending'), 0) AS delivery_rate,
    count(latency_s) AS latency_count,
    quantile_disc(latency_s, 0.5) AS p50_s,
    quantile_disc(latency_s, 0.9) AS p90_s,
    quantile_disc(latency_s, 0.99) AS p99_s,
    max(latency_s) AS max_s
FROM messages;

-- Per SPID as written, largest first (`postback track --by carrier`).
CREATE OR REPLACE TEMP VIEW by_carrier AS
SELECT
    spid,
    count(*) AS messages,
    count(*) FILTER (state = 'delivered') AS delivered,
    count(*) FILTER (state = 'delivered')
        / nullif(count(*) FILTER (state <> 'pending'), 0) AS delivery_rate,
    quantile_disc(latency_s, 0.5) AS p50_s,
    quantile_disc(latency_s, 0.9) AS p90_s
FROM messages
GROUP BY spid
ORDER BY messages DESC, spid;

FROM summary;
FROM by_carrier;
