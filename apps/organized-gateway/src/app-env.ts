/** The Hono environment of the Worker: its bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { requestId: string };
}
