-- Breaking news and the front page (issue 10, item 6).
--
-- An article flagged «عاجل» carries the moment its flag ends: readers see it in the
-- breaking ticker of every page while it is published and that moment is ahead. NULL: not
-- breaking. The scheduler clears flags that ended (and those of articles taken back), so
-- an article published again later does not come back into the ticker by itself.
ALTER TABLE articles ADD COLUMN breaking_until TIMESTAMPTZ;
CREATE INDEX articles_breaking ON articles (breaking_until) WHERE breaking_until IS NOT NULL;

-- What editors pinned on the home page: slot 0 is the lead story, slots 1 to 4 the
-- featured stories in their order. A deleted article leaves its slot; one taken back
-- keeps it, and the home page skips it while it is not published.
CREATE TABLE home_pins (
    slot       BIGINT PRIMARY KEY CHECK (slot BETWEEN 0 AND 4),
    article_id BIGINT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
);
