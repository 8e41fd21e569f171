/**
 * The session value an upstream sees for an attendee (OpenAI `user`, which OpenClaw turns
 * into its session key). It is derived, never the typed id: a keyed hash of the canonical
 * id and its generation, in lower-case hex behind a fixed prefix. So
 * - two attendees can never collide, whatever the upstream folds (case, punctuation), since
 *   the value has no capitals or punctuation left to fold;
 * - a revoked id that the organiser reinstates, or whose binding is reset, starts a new
 *   session (the generation changed), and never inherits the previous holder's history;
 * - the id cannot be read back from the upstream's logs without HASH_SECRET;
 * - a conversation (a surface may name one: each tool conversation its own session) is
 *   hashed inside the attendee's own value, under its own purpose: whatever string a caller
 *   sends, it can only ever name another session of their own. No conversation gives
 *   exactly the attendee's one session of before.
 */
import { keyedHash } from "../../shared/crypto";

const PREFIX = "ocg-";
/** 128 bits of the HMAC: collisions are out of reach, and the value stays short. */
const HEX_CHARS = 32;

/** Not secrets (id and generation), so remembering recent ones in memory is safe. */
const recent = new Map<string, string>();
const RECENT_MAX = 2_000;

export async function upstreamSession(hashSecret: string, userId: string, generation: number, conversation: string | null = null): Promise<string> {
  // The canonical id has no NUL and the generation is digits: the attendee's part cannot be forged by a conversation.
  const input = conversation === null ? `${userId}\0${generation}` : `${userId}\0${generation}\0${conversation}`;
  const known = conversation === null ? recent.get(input) : undefined;
  if (known !== undefined) return known;
  const purpose = conversation === null ? "upstream-session" : "upstream-session-conversation";
  const value = PREFIX + (await keyedHash(hashSecret, purpose, input)).slice(0, HEX_CHARS);
  // Conversations are the caller's strings: not remembered, so no caller can fill the memory.
  if (conversation !== null) return value;
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(input, value);
  return value;
}
