-- Targeted cache retirement (issue 13, item 2): each committed write that changes what
-- pages show logs the things it changed (`a12 all c3`, or `*` for everything) under the
-- version it moved the shared content counter (site_settings.content_version) to. Other
-- processes read the versions they have not seen and retire only the pages that show those
-- things. Old rows are pruned by the writers; a process further behind retires everything.
CREATE TABLE cache_retirements (
    version    BIGINT PRIMARY KEY,
    keys       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
