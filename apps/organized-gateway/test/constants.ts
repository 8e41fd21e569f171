/** Values shared by the test config (Node) and the tests (workerd). */
export const TEST_UPSTREAM_PORT = 18998;
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
export const TEST_EVENT_CODE = "HICAM-2026";
