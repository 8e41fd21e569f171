// Production's hops, modelled. Locally every Durable Object and D1 live in the gateway's own
// workerd process, so a call to one costs no network time; in production the attendee's
// object, a node's object, a key's object and D1 are each a network round trip away. This
// writes a small entry module beside a gateway bundle that re-exports the bundle with every
// Durable Object namespace and the D1 binding wrapped: each call on a stub, and each D1
// query or batch, waits the chosen round trip (half before the call, half after) — whether
// the Worker makes it or one object calls another. The bundle itself is untouched, so the
// same wrapper models today's gateway and a baseline commit's alike.
//
// The round trip is the binding BENCH_DO_RTT_MS (ms) at start, and can be changed while the
// gateway runs by `POST /__bench/do-rtt/<ms>` (answered by the wrapper, never the gateway):
// objects of one Worker share its isolate locally, so one module variable reaches them all.
import { writeFileSync } from "node:fs";
import path from "node:path";

export const HOP_CONTROL_PATH = "/__bench/do-rtt/";

/** The wrapper's source for a bundle exporting `classes` (the Durable Object class names). */
export function hopWrapperSource(classes) {
  return `import gateway, * as exported from "./index.js";
let rtt = null;
const sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : null);
async function hop(call) {
  const half = rtt / 2;
  if (half > 0) await sleep(half);
  const result = await call();
  if (half > 0) await sleep(half);
  return result;
}
function stubOf(stub) {
  return new Proxy(stub, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function" || name === "then") return value;
      return (...args) => hop(() => Reflect.apply(value, target, args));
    },
  });
}
function namespaceOf(namespace) {
  return new Proxy(namespace, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      if (name === "get" || name === "getByName") return (...args) => stubOf(Reflect.apply(value, target, args));
      return value.bind(target);
    },
  });
}
const REAL = Symbol("real statement");
function statementOf(statement) {
  return {
    [REAL]: statement,
    bind: (...args) => statementOf(statement.bind(...args)),
    first: (...args) => hop(() => statement.first(...args)),
    all: (...args) => hop(() => statement.all(...args)),
    run: (...args) => hop(() => statement.run(...args)),
    raw: (...args) => hop(() => statement.raw(...args)),
  };
}
function databaseOf(db) {
  return new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (name === "prepare") return (sql) => statementOf(target.prepare(sql));
      if (name === "batch") return (statements) => hop(() => target.batch(statements.map((s) => s[REAL] ?? s)));
      if (name === "exec") return (sql) => hop(() => target.exec(sql));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
const wrapped = new WeakMap();
function envOf(env) {
  rtt ??= Number(env.BENCH_DO_RTT_MS ?? 0);
  let found = wrapped.get(env);
  if (!found) {
    const bindings = new Map();
    found = new Proxy(env, {
      get(target, name) {
        if (bindings.has(name)) return bindings.get(name);
        const value = Reflect.get(target, name);
        let out = value;
        if (value && typeof value === "object" && typeof value.idFromName === "function") out = namespaceOf(value);
        else if (value && typeof value === "object" && typeof value.prepare === "function" && typeof value.batch === "function") out = databaseOf(value);
        bindings.set(name, out);
        return out;
      },
    });
    wrapped.set(env, found);
  }
  return found;
}
export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith(${JSON.stringify(HOP_CONTROL_PATH)})) {
      rtt = Number(url.pathname.slice(${HOP_CONTROL_PATH.length}));
      return new Response(JSON.stringify({ rtt }), { headers: { "content-type": "application/json" } });
    }
    return gateway.fetch(request, envOf(env), ctx);
  },
  scheduled: (controller, env, ctx) => gateway.scheduled(controller, envOf(env), ctx),
};
${classes.map((name) => `export class ${name} extends exported.${name} {
  constructor(ctx, env) {
    super(ctx, envOf(env));
  }
}`).join("\n")}
`;
}

/** Writes the wrapper beside `bundle` (from buildGatewayBundle); returns the bundle with it as the entry. */
export function withHops(bundle, classes) {
  const entry = path.join(path.dirname(bundle.path), "hops-entry.js");
  writeFileSync(entry, hopWrapperSource(classes));
  return { ...bundle, entry };
}
