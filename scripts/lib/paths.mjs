// Where things are in this repository, so every organiser script finds the Worker's config
// and this repository's own tools the same way, whatever directory it is run from.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const GATEWAY_DIR = path.join(REPO_ROOT, "apps", "organized-gateway");
export const GATEWAY_CONFIG = path.join(GATEWAY_DIR, "wrangler.jsonc");
export const REPO_BIN = path.join(REPO_ROOT, "node_modules", ".bin");
