/**
 * An attendee's model credential as their object stores it (objects/attendee-gate/record.ts): sealed by the Worker (AES-GCM
 * under CREDENTIAL_KEY, the canonical user id as additional data), so the object — and any
 * dump of its storage — holds nothing usable. Only kind, dates, fingerprint and the last
 * use's outcome are readable.
 */
export interface StoredCredential {
  kind: "openai" | "openai-codex" | "anthropic";
  /** base64 of IV ‖ ciphertext. */
  sealed: string;
  fingerprint: string;
  stored_at: string;
  last_used_at: string | null;
  last_result: "ok" | "rejected" | null;
}
