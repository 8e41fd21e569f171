/**
 * Attendees' own model credentials: sealed at rest (seal.ts), managed by the attendee with
 * their gateway key (`/me/credential`, me.ts) and by the organiser (admin.ts), spent for
 * their turns through OpenClaw by the relay (relay.ts) or in a header on a plain upstream
 * (use.ts). docs/credentials.md has the design and the evidence behind it.
 */
export { credentialsAdminApi } from "./admin";
export { meRoutes } from "./me";
export { relayModelCall } from "./relay";
