-- The desk editor (issue 10, item 4). An autosave is one writer's unsaved copy of the
-- editor form (its fields as JSON), replaced every few seconds of typing and never a
-- revision; article_id 0 is the writer's new, not yet saved article. A lock is who has an
-- article open in the editor, kept alive by the editor's heartbeat; taken_from remembers
-- whom it was taken from, so that they are told.
CREATE TABLE article_autosaves (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL,
    fields     TEXT NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, article_id)
);

CREATE TABLE article_locks (
    article_id   BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    taken_from   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL
);

-- A library image's credit («رويترز»), shown after its caption wherever it is inserted.
ALTER TABLE media ADD COLUMN credit TEXT NOT NULL DEFAULT '';
