declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    OPENCLAW_URL: string;
    HASH_SECRET: string;
    ADMIN_TOKEN: string;
    EVENT_CODE: string;
  }
}
