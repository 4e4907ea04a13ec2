-- Author profiles (issue 11, item 4): a photo from the media library and links to the
-- byline's accounts elsewhere, shown on the author page and in its `Person` JSON-LD.
-- A deleted media item leaves the byline without a photo, never a dangling id.
ALTER TABLE authors ADD COLUMN photo_media_id INTEGER REFERENCES media(id) ON DELETE SET NULL;
ALTER TABLE authors ADD COLUMN link_x TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN link_telegram TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN link_facebook TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN link_website TEXT NOT NULL DEFAULT '';
