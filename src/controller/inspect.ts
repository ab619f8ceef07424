// Turns XState's inspection stream into small JSON-safe events that can be published on NATS
// (`<prefix>.inspect.<job_id>`) for the inspector UI, and draws a machine as nodes and edges.
//
// Raw inspection events hold live actor refs, snapshots with functions in context and whole
// machines; none of that may leave the process. Only ids, event types, a capped copy of the event
// and the state value are kept.

import type { AnyStateMachine, InspectionEvent as XStateInspectionEvent } from 'xstate';

export type InspectionEventType = '@xstate.actor' | '@xstate.event' | '@xstate.snapshot' | '@xstate.microstep';

export interface InspectionEvent {
  type: InspectionEventType;
  /** `<idPrefix>/<sessionId>`: session ids restart from x:0 in every process, the prefix keeps them apart. */
  actor_id: string;
  parent_id?: string;
  /** `@xstate.event`: who sent it, when known. */
  source_id?: string;
  /** `@xstate.actor`: the actor's id in its parent (the invoke id, e.g. `compile`), or the root's id. */
  name?: string;
  event_type?: string;
  /** Sanitized copy of the event: no functions or actor refs, capped in size. */
  event?: unknown;
  /** Machine snapshots only: the state value. */
  state?: unknown;
  status?: string;
  at: number;
}

export interface InspectorOptions {
  idPrefix: string;
  now?: () => number;
  /** Largest JSON size of a sanitized event copy; bigger ones are reduced to their type. Default 2048. */
  maxEventBytes?: number;
}

const MAX_DEPTH = 4;
const MAX_KEYS = 20;
const MAX_STRING = 256;

interface RefLike {
  sessionId?: string;
  id?: string;
  _parent?: RefLike;
}

function isActorRef(v: object): boolean {
  return typeof (v as { send?: unknown }).send === 'function' && typeof (v as RefLike).sessionId === 'string';
}

/** A JSON-safe copy: drops functions and symbols, names actor refs, caps depth, keys and strings. */
export function sanitize(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  switch (typeof value) {
    case 'string':
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (isActorRef(obj)) return `[actor ${(obj as RefLike).sessionId}]`;
  if (obj instanceof Error) return { name: obj.name, message: sanitize(obj.message, depth + 1, seen) };
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `[binary ${obj.byteLength} bytes]`;
  if (seen.has(obj)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.slice(0, MAX_KEYS).map((v) => sanitize(v, depth + 1, seen) ?? null);
      if (obj.length > MAX_KEYS) items.push(`[+${obj.length - MAX_KEYS} more]`);
      return items;
    }
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(obj)) {
      if (n === MAX_KEYS) {
        out['…'] = 'truncated';
        break;
      }
      const s = sanitize(v, depth + 1, seen);
      if (s !== undefined) {
        out[k] = s;
        n++;
      }
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/**
 * Returns the `inspect` option for createActor. `publish` receives one JSON-safe event per
 * actor creation, event delivery, snapshot and microstep; `@xstate.action` events are dropped
 * (noisy, and their params can hold anything). `publish` must not throw.
 */
export function createInspector(
  publish: (ev: InspectionEvent) => void,
  opts: InspectorOptions,
): (ev: XStateInspectionEvent) => void {
  const now = opts.now ?? Date.now;
  const maxBytes = opts.maxEventBytes ?? 2048;
  const idOf = (ref: RefLike | undefined): string | undefined =>
    ref?.sessionId === undefined ? undefined : `${opts.idPrefix}/${ref.sessionId}`;

  const eventCopy = (event: { type: string }): unknown => {
    const copy = sanitize(event);
    return JSON.stringify(copy).length > maxBytes ? { type: event.type, truncated: true } : copy;
  };

  return (ev) => {
    if (ev.type === '@xstate.action' || ev.type === '@xstate.transition') return;
    const ref = ev.actorRef as RefLike;
    const base: InspectionEvent = { type: ev.type, actor_id: idOf(ref)!, at: now() };
    const parent = idOf(ref._parent);
    if (parent) base.parent_id = parent;

    switch (ev.type) {
      case '@xstate.actor':
        if (typeof ref.id === 'string') base.name = ref.id;
        break;
      case '@xstate.event': {
        const source = idOf(ev.sourceRef as RefLike | undefined);
        if (source) base.source_id = source;
        base.event_type = ev.event.type;
        base.event = eventCopy(ev.event);
        break;
      }
      case '@xstate.snapshot':
      case '@xstate.microstep': {
        base.event_type = ev.event.type;
        const snap = ev.snapshot as { value?: unknown; status?: unknown };
        if (snap.value !== undefined) base.state = sanitize(snap.value);
        if (typeof snap.status === 'string') base.status = snap.status;
        break;
      }
    }
    publish(base);
  };
}

// ---------------------------------------------------------------------------------------------
// Machine graph for drawing. Built from the state node definitions rather than xstate/graph's
// toDirectedGraph, which leaves out eventless (`always`) transitions and turns targetless
// transitions (context updates) into self-loops.

export interface GraphNode {
  /** State node id, e.g. `job.Recovering.backoff`. */
  id: string;
  key: string;
  parent?: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: string;
  /** Ids of actors invoked while in this state. */
  invokes: string[];
}

export interface GraphEdge {
  source: string;
  target: string;
  /** Event type; `''` for eventless transitions. */
  event: string;
  kind: 'event' | 'done' | 'error' | 'after' | 'always';
  guard?: string;
  /** True for an explicit re-entry of the same state. */
  reenter?: boolean;
}

export interface MachineGraph {
  id: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface NodeLike {
  id: string;
  key: string;
  type: GraphNode['type'];
  parent?: NodeLike;
  states: Record<string, NodeLike>;
  initial?: { target: readonly NodeLike[] };
  invoke: Array<{ id: string }>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

interface TransitionLike {
  eventType: string;
  target?: readonly NodeLike[];
  guard?: unknown;
  reenter: boolean;
}

function edgeKind(eventType: string): GraphEdge['kind'] {
  if (eventType.startsWith('xstate.done.actor.')) return 'done';
  if (eventType.startsWith('xstate.error.actor.')) return 'error';
  if (eventType.startsWith('xstate.after.')) return 'after';
  return 'event';
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline';
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'inline';
}

/** Every state node and every transition with a target (targetless ones change no state). */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const visit = (node: NodeLike): void => {
    const initial = node.initial?.target[0];
    nodes.push({
      id: node.id,
      key: node.key,
      ...(node.parent ? { parent: node.parent.id } : {}),
      type: node.type,
      ...(initial ? { initial: initial.id } : {}),
      invokes: node.invoke.map((i) => i.id),
    });
    const add = (t: TransitionLike, kind: GraphEdge['kind']): void => {
      for (const target of t.target ?? []) {
        const guard = guardName(t.guard);
        edges.push({
          source: node.id,
          target: target.id,
          event: t.eventType,
          kind,
          ...(guard ? { guard } : {}),
          ...(t.reenter ? { reenter: true } : {}),
        });
      }
    };
    for (const list of node.transitions.values()) for (const t of list) add(t, edgeKind(t.eventType));
    for (const t of node.always ?? []) add(t, 'always');
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as NodeLike);
  return { id: machine.id, nodes, edges };
}
