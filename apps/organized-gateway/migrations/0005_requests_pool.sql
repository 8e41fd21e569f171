-- Requests served by a free route (an UPSTREAMS node with "free": true, e.g. NoClaw's local
-- model): rate-limited and logged like any other, but never counted against a paid quota.
ALTER TABLE requests ADD COLUMN free INTEGER DEFAULT 0;
-- Time from arrival to admission (the attendee's and the node's queues included): what
-- `ocg loadtest` reports as queue waits per node.
ALTER TABLE requests ADD COLUMN queue_ms INTEGER;
