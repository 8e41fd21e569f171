// The pool's pure decisions: sticky, weighted, few moves when the pool changes, model routes.
import { describe, expect, it } from "vitest";
import { routeModel, stickyOrder, type PoolNode } from "../src/pipeline/route/pool";

const node = (name: string, weight = 1, models: string[] = [], free = false): PoolNode => ({ name, weight, models, free });
const attendees = Array.from({ length: 3000 }, (_, i) => `attendee-${i}`);
const first = (nodes: PoolNode[]) => new Map(attendees.map((a) => [a, stickyOrder(a, nodes)[0].name]));

describe("sticky order", () => {
  it("gives each attendee the same node every time, and every node in its order once", () => {
    const nodes = [node("mini"), node("hetzner-1"), node("hetzner-2")];
    for (const a of attendees.slice(0, 50)) {
      const order = stickyOrder(a, nodes).map((n) => n.name);
      expect(stickyOrder(a, [...nodes].reverse()).map((n) => n.name)).toEqual(order);
      expect(new Set(order).size).toBe(3);
    }
  });

  it("spreads attendees by weight", () => {
    const counts = new Map<string, number>();
    for (const name of first([node("a", 1), node("b", 2), node("c", 1)]).values()) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect(counts.get("b")! / attendees.length).toBeGreaterThan(0.45);
    expect(counts.get("b")! / attendees.length).toBeLessThan(0.55);
    expect(counts.get("a")! / attendees.length).toBeGreaterThan(0.2);
    expect(counts.get("c")! / attendees.length).toBeGreaterThan(0.2);
  });

  it("moves only the attendees of a removed node, and only about a quarter when a fourth node joins", () => {
    const three = first([node("a"), node("b"), node("c")]);
    const two = first([node("a"), node("c")]);
    for (const a of attendees) if (three.get(a) !== "b") expect(two.get(a)).toBe(three.get(a));
    const four = first([node("a"), node("b"), node("c"), node("d")]);
    const moved = attendees.filter((a) => four.get(a) !== three.get(a));
    expect(moved.every((a) => four.get(a) === "d")).toBe(true);
    expect(moved.length / attendees.length).toBeGreaterThan(0.2);
    expect(moved.length / attendees.length).toBeLessThan(0.3);
  });

  it("fails over to the attendee's next node, the same one every time", () => {
    const nodes = [node("a"), node("b"), node("c")];
    for (const a of attendees.slice(0, 50)) {
      const [best, next] = stickyOrder(a, nodes);
      const without = stickyOrder(a, nodes.filter((n) => n !== best));
      expect(without[0]).toBe(next);
    }
  });
});

describe("model routes", () => {
  const nodes = [node("mini"), node("box"), node("noclaw", 1, ["noclaw/*", "gemma*"], true)];

  it("sends a noclaw/* model to the free node with the prefix removed, marked free", () => {
    expect(routeModel(nodes, "sam", "noclaw/gemma3:27b")).toMatchObject({ order: [nodes[2]], model: "gemma3:27b", free: true });
    expect(routeModel(nodes, "sam", "Gemma3:27b")).toMatchObject({ order: [nodes[2]], model: "Gemma3:27b", free: true });
  });

  it("sends any other model to the default nodes, in the attendee's sticky order", () => {
    const route = routeModel(nodes, "sam", "gpt-4o");
    expect(route.order.map((n) => n.name).sort()).toEqual(["box", "mini"]);
    expect(route).toMatchObject({ model: null, free: false });
    expect(routeModel(nodes, "sam", null).order).toEqual(route.order);
  });
});
