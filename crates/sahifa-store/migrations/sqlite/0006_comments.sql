-- Reader comments (issue 4). status: pending (held for moderation), approved (public),
-- spam, trash. email and ip are private: never selected by public queries. ip is erased
-- (set NULL) after the retention period by the periodic privacy sweep.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    email       TEXT NOT NULL,
    url         TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    is_staff    INTEGER NOT NULL DEFAULT 0,
    ip          TEXT,
    user_agent  TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, status, created_at);
CREATE INDEX comments_status ON comments (status, created_at);
CREATE INDEX comments_email ON comments (email, created_at);
CREATE INDEX comments_ip ON comments (ip, created_at);

-- CAPTCHA tokens already answered: the primary key makes a replay fail, also when the
-- second attempt reaches another process sharing the database. Rows are purged once the
-- token would have expired anyway.
CREATE TABLE comment_used_tokens (
    token_id   TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX comment_used_tokens_expiry ON comment_used_tokens (expires_at);

-- Articles whose comments an editor closed by hand.
CREATE TABLE comment_closed_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
);
