// End-to-end tests: the gateway started as `npm start` starts it (wrangler dev, local
// D1/KV/Durable Objects, the dev upstream), driven over loopback by real clients.
//
// Two projects, so that `npm test` can run them as two jobs side by side (scripts/test.mjs):
// `openclaw`, the files that start a real OpenClaw (found by what they call, so a new file
// joins by itself), and `other`. Within a project the files run one after another. The two
// projects' files must not share ports (scripts/test/test-jobs.test.mjs checks).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const E2E = path.join(import.meta.dirname, "test", "e2e");
const files = readdirSync(E2E).filter((name) => name.endsWith(".test.ts")).sort();
const startsOpenClaw = (name: string) => readFileSync(path.join(E2E, name), "utf8").includes("startOpenClaw(");
const project = (name: string, include: string[]) => ({
  extends: true as const,
  test: { name, include: include.map((file) => `test/e2e/${file}`) },
});

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    projects: [
      project("openclaw", files.filter(startsOpenClaw)),
      project("other", files.filter((file) => !startsOpenClaw(file))),
    ],
  },
});
