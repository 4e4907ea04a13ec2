-- Content model: authors, hierarchical categories, tags, articles, slug history, settings.

CREATE TABLE site_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE authors (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    bio        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    parent_id   BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id   BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    lead          TEXT NOT NULL DEFAULT '',
    body_md       TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    dateline      TEXT,
    source        TEXT,
    author_id     BIGINT REFERENCES authors(id) ON DELETE SET NULL,
    category_id   BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'published')),
    published_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    image_url     TEXT,
    image_alt     TEXT,
    image_caption TEXT,
    image_width   BIGINT,
    image_height  BIGINT
);
CREATE INDEX articles_public ON articles (status, published_at DESC);
CREATE INDEX articles_category ON articles (category_id, status, published_at DESC);
CREATE INDEX articles_author ON articles (author_id, status, published_at DESC);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

CREATE TABLE slug_redirects (
    kind      TEXT NOT NULL CHECK (kind IN ('article', 'category', 'tag', 'author')),
    old_slug  TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    PRIMARY KEY (kind, old_slug)
);
