-- Most read (issue 11, item 6): view counts the server keeps itself. Every node adds its
-- batch to the hour bucket it counted in (additive upserts, so nodes sharing a database add
-- up); the 24 h and 7 d rankings sum the buckets. Buckets older than the 7 d window (plus a
-- day) are pruned: the all-time figure the admin list shows lives in the totals, which
-- grow with the same batches. No client address is ever stored.
CREATE TABLE article_view_hours (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    -- Unix seconds of the hour's start (UTC).
    hour_start BIGINT NOT NULL,
    views      BIGINT NOT NULL,
    PRIMARY KEY (article_id, hour_start)
);
CREATE INDEX article_view_hours_by_hour ON article_view_hours (hour_start);

CREATE TABLE article_view_totals (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    views      BIGINT NOT NULL
);
