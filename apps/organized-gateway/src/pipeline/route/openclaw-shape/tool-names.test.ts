import { describe, expect, it } from "vitest";
import { foldToolName, isReservedByOpenClaw, ToolNames } from "./tool-names";

describe("client tool names OpenClaw reserves", () => {
  it("folds names the way OpenClaw's tool policy does, bash being exec", () => {
    expect(foldToolName(" Bash ")).toBe("exec");
    expect(foldToolName("Apply-Patch")).toBe("apply_patch");
    expect(foldToolName("READ")).toBe("read");
  });

  it("counts every name of AGENT_RESERVED_TOOL_NAMES and exec as taken, whatever the case", () => {
    for (const name of ["bash", "Bash", "EDIT", "exec", "Find", "grep", "LS", "Read", "write"]) {
      expect(isReservedByOpenClaw(name), name).toBe(true);
    }
    for (const name of ["read_file", "run_terminal_command", "Glob", "WebFetch", "TodoWrite"]) {
      expect(isReservedByOpenClaw(name), name).toBe(false);
    }
  });

  it("renames Claude Code's clashing tools and gives every one its name back", () => {
    const names = new ToolNames(["Bash", "Read", "Write", "Edit", "Grep", "Glob", "TodoWrite"]);
    expect(names.toUpstream("Bash")).toBe("client_Bash");
    expect(names.toUpstream("Read")).toBe("client_Read");
    expect(names.toUpstream("Glob")).toBe("Glob");
    for (const name of ["Bash", "Read", "Write", "Edit", "Grep", "Glob", "TodoWrite"]) {
      expect(names.toClient(names.toUpstream(name))).toBe(name);
    }
    expect(names.renames).toBe(true);
  });

  it("never renames onto a name the client already uses, nor leaves two names that fold together", () => {
    const names = new ToolNames(["read", "client_read", "Read"]);
    const upstream = ["read", "client_read", "Read"].map((n) => names.toUpstream(n));
    expect(upstream[1]).toBe("client_read");
    expect(new Set(upstream.map(foldToolName)).size).toBe(3);
    for (const name of upstream) expect(isReservedByOpenClaw(name)).toBe(false);
    expect(names.toClient(upstream[0])).toBe("read");
    expect(names.toClient(upstream[2])).toBe("Read");
  });

  it("leaves a request without clashing names untouched", () => {
    const names = new ToolNames(["read_file", "run_terminal_command"]);
    expect(names.renames).toBe(false);
    expect(names.toUpstream("read_file")).toBe("read_file");
    expect(names.toClient("anything")).toBe("anything");
  });
});
