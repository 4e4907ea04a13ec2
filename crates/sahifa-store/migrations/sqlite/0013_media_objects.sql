-- Shared media (issue 13, item 4) keeps objects in PostgreSQL only: `--media-store
-- postgres` is refused at start-up on SQLite (a single-file database serves one node, and
-- its media folder is the natural store). This file keeps the version numbers of the two
-- folders in step; it changes nothing.
SELECT 1;
