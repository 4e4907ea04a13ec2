-- Telegram channel posting: a durable outbox of delivery jobs, written in the same
-- transaction as the article write that causes it (see `record_write!` in articles.rs).
--
-- status: pending (waiting for its next attempt), sending (claimed by a worker until
-- lease_until), sent, failed (permanent error or gave up; an editor may retry), skipped
-- (nothing to do: channel posting off, category opted out, article unpublished, backdated).
CREATE TABLE telegram_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    article_id      BIGINT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('post', 'edit')),
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    claimed_by      TEXT,
    chat_id         TEXT,
    message_id      BIGINT,
    with_photo      BOOLEAN NOT NULL DEFAULT FALSE,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
-- An article is posted at most once, ever: a second publish (after an unpublish, a
-- re-save, a second process) finds this row and inserts nothing (ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX telegram_deliveries_one_post ON telegram_deliveries (article_id) WHERE kind = 'post';
CREATE INDEX telegram_deliveries_due ON telegram_deliveries (status, next_attempt_at);
CREATE INDEX telegram_deliveries_article ON telegram_deliveries (article_id, kind);
