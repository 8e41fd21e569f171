// End-to-end tests: the gateway started as `npm start` starts it (wrangler dev, local
// D1/KV/Durable Objects, the dev upstream), driven over loopback by real clients.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
