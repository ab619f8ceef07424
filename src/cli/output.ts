// Subscribes to the subjects a job writes to (its preview subject and its core-NATS sink
// subjects) and hands each record on; `run` and `demo` print them.

import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { JobSpec } from '../types.js';
import { subjects } from '../wire.js';

export function outputSubjects(spec: Pick<JobSpec, 'sinks'>, prefix: string, jobId: string): string[] {
  const out: string[] = [];
  for (const sink of spec.sinks) {
    if (sink.type === 'preview') out.push(subjects(prefix).output(jobId));
    else if (sink.type === 'nats' || sink.type === 'jetstream') out.push(sink.config.subject);
  }
  return [...new Set(out)];
}

export function followOutput(nc: NatsConnection, subjectList: string[], onRecord: (subject: string, text: string) => void): () => void {
  const subs: Subscription[] = subjectList.map((subject) => nc.subscribe(subject, { callback: (_e, msg) => onRecord(subject, msg.string()) }));
  return () => subs.forEach((s) => s.unsubscribe());
}
