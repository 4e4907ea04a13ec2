-- Moving a WordPress site over (issue 12).
--
-- Which Sahifa row each WordPress object became, per source site (its base URL): a second
-- import of the same export updates in place instead of copying, and `fingerprint` (a
-- hash of what was imported) lets an unchanged item be skipped without a write. `wp_key`
-- is the WordPress id, or the slug or login where the file gives no id.
CREATE TABLE import_map (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    wp_key      TEXT NOT NULL,
    target_id   BIGINT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, kind, wp_key)
);

-- The old site's URLs: a path as the old site served it (percent-decoded, without its
-- trailing slash, with `?p=ID`-style queries reduced to the one parameter that names
-- something) and what it names. The target's current URL is looked up when the old one is
-- requested, so a later rename still lands on the right page.
CREATE TABLE legacy_urls (
    path      TEXT PRIMARY KEY NOT NULL,
    kind      TEXT NOT NULL,
    target_id BIGINT NOT NULL
);

-- An article's further categories: archives list it under each of them too, while
-- `articles.category_id` stays the primary one, which its breadcrumb shows.
CREATE TABLE article_categories (
    article_id  BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, category_id)
);
CREATE INDEX article_categories_category ON article_categories (category_id, article_id);
