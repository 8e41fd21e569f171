-- The id a request claimed when its row is logged under `unauthenticated` because the
-- provider refused the caller's own key before that key was bound to the id (BYOK). The
-- row stays out of that id's figures (anyone may claim any id until a key works), but the
-- organiser sees the refusal next to the name: "dana: OpenAI refused the key sent as dana".
ALTER TABLE requests ADD COLUMN claimed_user_id TEXT;
CREATE INDEX IF NOT EXISTS idx_requests_claimed ON requests(claimed_user_id) WHERE claimed_user_id IS NOT NULL;
