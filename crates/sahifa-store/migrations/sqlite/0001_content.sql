-- Content model: authors, hierarchical categories, tags, articles, slug history, settings.
-- Times are stored as UTC RFC 3339 text (sqlx's chrono encoding for SQLite).

CREATE TABLE site_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE authors (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    bio        TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id   INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    lead          TEXT NOT NULL DEFAULT '',
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    dateline      TEXT,
    source        TEXT,
    author_id     INTEGER REFERENCES authors(id) ON DELETE SET NULL,
    category_id   INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'published')),
    published_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    image_url     TEXT,
    image_alt     TEXT,
    image_caption TEXT,
    image_width   INTEGER,
    image_height  INTEGER
);
CREATE INDEX articles_public ON articles (status, published_at DESC);
CREATE INDEX articles_category ON articles (category_id, status, published_at DESC);
CREATE INDEX articles_author ON articles (author_id, status, published_at DESC);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

-- Old slugs keep answering with a 301 to wherever the thing lives now.
CREATE TABLE slug_redirects (
    kind      TEXT NOT NULL CHECK (kind IN ('article', 'category', 'tag', 'author')),
    old_slug  TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
