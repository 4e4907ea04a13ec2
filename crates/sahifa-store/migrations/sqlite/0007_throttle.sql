-- Attempt counters (issue 15). One row per key: `account:<typed email>` or `ip:<address>`
-- for logins. A login bumps its rows with one upsert *before* the password is checked, so
-- parallel guesses, also in other processes sharing the database, each see the count that
-- includes every attempt before them. A window older than the throttle window restarts at 1.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL,
    window_start TEXT NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);

-- The comment flood rule's claims: one row per `ip:<address>` and `email:<address>`, moved
-- forward by a conditional upsert inside the comment's transaction. Only one of several
-- parallel comments can move it, so the rule holds under concurrency.
CREATE TABLE comment_flood (
    key     TEXT PRIMARY KEY,
    last_at TEXT NOT NULL
);
CREATE INDEX comment_flood_last ON comment_flood (last_at);

-- The failure log the counters above replace: nothing reads it any more.
DROP TABLE login_failures;
