-- A durable log of article writes, appended in the same transaction as the write, so
-- consumers (search indexing, channel posting, the audit trail) never miss a change.
CREATE TABLE article_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id     INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
    status_before  TEXT,
    status_after   TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX article_events_article ON article_events (article_id);
