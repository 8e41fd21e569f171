// Unit and integration tests run inside workerd (the real Workers runtime) with real
// local D1, KV and Durable Objects. The upstream is the dev upstream simulator, a real
// HTTP server on loopback started by test/global-setup.ts.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN, TEST_EVENT_CODE, TEST_UPSTREAM_PORT } from "./test/constants";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      // The stripe package's source maps name files it does not ship: vite would print a
      // warning for each of them on every run, burying real ones.
      {
        name: "quiet-missing-dependency-sources",
        configResolved(config: { logger: { warnOnce: (message: string, options?: unknown) => void } }) {
          const warnOnce = config.logger.warnOnce.bind(config.logger);
          config.logger.warnOnce = (message, options) => {
            if (!message.includes("/node_modules/") || !message.includes("points to missing source files")) warnOnce(message, options);
          };
        },
      },
      cloudflareTest({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            OPENCLAW_URL: `http://127.0.0.1:${TEST_UPSTREAM_PORT}`,
            HASH_SECRET: "test-hash-secret-0123456789",
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            EVENT_CODE: TEST_EVENT_CODE,
            LOG_FLUSH_MS: "0",
            UPSTREAM_TIMEOUT_MS: "3000",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts", "src/**/*.test.ts"],
      exclude: ["test/e2e/**"],
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 20_000,
    },
  };
});
