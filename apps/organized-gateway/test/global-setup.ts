// Starts the dev upstream simulator on loopback for the whole workerd test run.
import { startDevUpstream } from "@ocg/dev-upstream";
import { TEST_UPSTREAM_PORT } from "./constants";

export default async function setup(): Promise<() => Promise<void>> {
  const upstream = await startDevUpstream({ port: TEST_UPSTREAM_PORT });
  return () => upstream.close();
}
