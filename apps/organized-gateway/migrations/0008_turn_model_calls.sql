-- Agent-turn metering: every model call an attendee's own agent makes through the relay is a
-- row of its own, linked to the /v1 turn that caused it (turn_id = that turn's request_id),
-- and the turn's row says how many model calls and tokens the turn really cost.
ALTER TABLE requests ADD COLUMN turn_id TEXT;
ALTER TABLE requests ADD COLUMN model_calls INTEGER;
ALTER TABLE requests ADD COLUMN model_tokens INTEGER;
CREATE INDEX IF NOT EXISTS idx_requests_turn ON requests(turn_id) WHERE turn_id IS NOT NULL;
