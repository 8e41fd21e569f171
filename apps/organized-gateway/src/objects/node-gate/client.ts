/**
 * The typed client of a node's NodeGate (objects/node-gate/index.ts): the attendee's object
 * takes, renews and frees the node's slots through it, and /health reads the node's state.
 * The one place a NodeGate stub is made, from the node's name and address (`nodeGateName`).
 */
import type { NodeDescription, NodeGate, NodeOutcome, NodeSlot, NodeSlotRequest } from ".";

export class NodeGateClient {
  private constructor(private readonly gate: DurableObjectStub<NodeGate>) {}

  /** `key`: the node's object name, `nodeGateName(node)`, as the route's node choices carry it. */
  static named(env: Env, key: string): NodeGateClient {
    return new NodeGateClient(env.NODE_GATE.get(env.NODE_GATE.idFromName(key)));
  }

  acquire(request: NodeSlotRequest): Promise<NodeSlot> {
    return this.gate.acquire(request);
  }

  renew(leaseId: string): Promise<boolean> {
    return this.gate.renew(leaseId);
  }

  release(leaseId: string, outcome: NodeOutcome): Promise<void> {
    return this.gate.release(leaseId, outcome);
  }

  describe(): Promise<NodeDescription> {
    return this.gate.describe();
  }
}
