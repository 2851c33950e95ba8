-- Each token has a role: viewer, analyst (may see restricted detail), editor (loads
-- layers), admin (manages tokens). Tokens made before roles could write: editor.
ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'editor';
