-- Article bodies become HTML of one schema (issue 10): body_html is the body itself, no
-- longer a rendering of body_md. Rows written before this carry 'markdown': their
-- body_html is the old rendering of body_md, and the newsroom converts each once (with a
-- revision) at start-up. Every write from now on stores 'html' and an empty body_md.
ALTER TABLE articles ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown';
