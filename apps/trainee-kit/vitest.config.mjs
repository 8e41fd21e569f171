// The kit's tests run in Node: the builders as units, and the real setup.sh in bash against
// gateways started exactly like `npm start` (wrangler dev, local D1/KV/Durable Objects).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{mjs,ts}"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
