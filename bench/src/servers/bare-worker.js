// The floor for any Worker: a bare pass-through that sends each request on to the upstream
// and streams its answer back, nothing else. Loaded into workerd by the benchmark.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(new Request(env.UPSTREAM_URL + url.pathname + url.search, request));
  },
};
