import { describe, expect, it } from "vitest";
import { conversationOf } from "./conversation";

const headers = (entries: Record<string, string> = {}) => new Headers(entries);

describe("the conversation a tool's request belongs to", () => {
  it("reads Claude Code's session from metadata.user_id in its older and its JSON form", () => {
    const legacy = "user_3f1c_account_8a2e2f4c-0000-4000-8000-000000000001_session_5b1d9c1e-1111-4111-8111-111111111111";
    expect(conversationOf("messages", headers(), { metadata: { user_id: legacy } }))
      .toBe("claude-session:5b1d9c1e-1111-4111-8111-111111111111");
    const json = JSON.stringify({ device_id: "d", account_uuid: "", session_id: "7c2e-aa" });
    expect(conversationOf("messages", headers(), { metadata: { user_id: json } })).toBe("claude-session:7c2e-aa");
  });

  it("prefers a session header over the body", () => {
    expect(conversationOf("messages", headers({ "x-claude-code-session-id": "abc" }), { metadata: { user_id: "user_x_session_deadbeef" } }))
      .toBe("x-claude-code-session-id:abc");
    expect(conversationOf("response", headers({ session_id: "thread-1" }), { prompt_cache_key: "thread-1" })).toBe("session_id:thread-1");
  });

  it("reads Codex's session-id header and opencode's x-session-id", () => {
    expect(conversationOf("response", headers({ "session-id": "019a-uuid", "thread-id": "019a-uuid" }), { prompt_cache_key: "019a-uuid" })).toBe("session-id:019a-uuid");
    expect(conversationOf("chat", headers({ "x-session-id": "ses_abc", "x-session-affinity": "ses_abc" }), {})).toBe("x-session-id:ses_abc");
  });

  it("uses Codex's prompt_cache_key when it sends no header", () => {
    expect(conversationOf("response", headers(), { prompt_cache_key: "019a2b-thread" })).toBe("cache-key:019a2b-thread");
  });

  it("tells two conversations of one tool apart and keeps one conversation's requests together", () => {
    const a1 = conversationOf("response", headers(), { prompt_cache_key: "thread-a" });
    const a2 = conversationOf("response", headers(), { prompt_cache_key: "thread-a", input: "second turn" });
    const b = conversationOf("response", headers(), { prompt_cache_key: "thread-b" });
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
  });

  it("gives a known tool that sends nothing per conversation one conversation of its own", () => {
    expect(conversationOf("chat", headers({ "user-agent": "opencode/1.18.33 ai-sdk/provider-utils/3.0" }), {})).toBe("tool:opencode");
    expect(conversationOf("chat", headers({ "user-agent": "Continue/1.5.47" }), {})).toBe("tool:continue");
    expect(conversationOf("messages", headers({ "user-agent": "claude-cli/2.1.332 (external, sdk-cli)" }), {})).toBe("tool:claude-code");
  });

  it("leaves any other caller in the attendee's default conversation", () => {
    expect(conversationOf("chat", headers({ "user-agent": "curl/8.5.0" }), { messages: [] })).toBeNull();
    expect(conversationOf("chat", headers({ "user-agent": "OpenAI/JS 6.49.0" }), { user: "someone-else" })).toBeNull();
  });

  it("cuts a very long value instead of carrying it whole", () => {
    expect(conversationOf("chat", headers({ "x-session-id": "x".repeat(5000) }), null)!.length).toBe(200);
  });
});
