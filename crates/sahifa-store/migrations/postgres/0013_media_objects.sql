-- Shared media (issue 13, item 4): uploads and their variants stored in the database, for
-- sites that run several nodes on one PostgreSQL database and choose
-- `--media-store postgres`. Keys are the path under /media/ (`uploads/<stem>-640w.webp`),
-- so media URLs stay what they are with the local folder. The validator is computed when
-- the object is written, so a conditional request never reads the bytes.
CREATE TABLE media_objects (
    key TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body BYTEA NOT NULL,
    size BIGINT NOT NULL,
    etag TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Large values live out of line already (TOAST); images do not compress, so skip trying.
ALTER TABLE media_objects ALTER COLUMN body SET STORAGE EXTERNAL;
