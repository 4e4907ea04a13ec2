-- Static pages and menus (issue 11, item 5).
--
-- A page («من نحن», «اتصل بنا») is Markdown rendered like an article body, draft or
-- published, with an optional parent for the breadcrumb. Deleting a page moves its
-- children up to its own parent (the use case does it; SET NULL is the net).
CREATE TABLE pages (
    id           BIGSERIAL PRIMARY KEY,
    parent_id    BIGINT REFERENCES pages(id) ON DELETE SET NULL,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    body_md      TEXT NOT NULL DEFAULT '',
    body_html    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    updated_by   BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX pages_parent ON pages (parent_id);

-- A page's earlier slugs answer 301 to its current one.
CREATE TABLE page_old_slugs (
    old_slug TEXT PRIMARY KEY NOT NULL,
    page_id  BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE
);

-- Header and footer menu items. Each points at one kind of target through its own
-- column, so a deleted category, tag or page empties the column (the item is then
-- "broken": hidden from readers, flagged in the admin) instead of dangling. One level
-- of nesting: the use case refuses a parent that has a parent; deleting a parent item
-- moves its children to the top level.
CREATE TABLE menu_items (
    id          BIGSERIAL PRIMARY KEY,
    location    TEXT NOT NULL CHECK (location IN ('header', 'footer')),
    parent_id   BIGINT REFERENCES menu_items(id) ON DELETE SET NULL,
    position    BIGINT NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL CHECK (kind IN ('category', 'page', 'tag', 'link')),
    category_id BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    page_id     BIGINT REFERENCES pages(id) ON DELETE SET NULL,
    tag_id      BIGINT REFERENCES tags(id) ON DELETE SET NULL,
    url         TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX menu_items_location ON menu_items (location, parent_id, position);
