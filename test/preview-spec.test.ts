// Preview jobs at submit and in the planner: `preview: true` is checked, the checkpoint interval
// becomes a day, and every sink is planned as the preview sink (JSON form and SQL).

import { describe, expect, it } from 'vitest';
import { logicalGraphOf } from '../actors/compile.js';
import { ValidationError } from '../src/errors.js';
import { PREVIEW_CHECKPOINT_INTERVAL_MS, validateJobSpec } from '../src/spec/validate.js';

const JSON_SPEC = {
  name: 'p',
  config: { checkpoint_interval_ms: 5000 },
  sources: [{ type: 'impulse', config: { count: 3 } }],
  sinks: [
    { type: 'nats', config: { subject: 'somewhere.else', format: 'json' } },
    { type: 'stdout', config: {} },
  ],
};
const SQL = `CREATE TABLE impulse WITH (connector = 'impulse', event_rate = '0', message_count = '3');
CREATE TABLE out WITH (connector = 'nats', subject = 'somewhere.else', format = 'json');
INSERT INTO out SELECT counter FROM impulse;`;

const sinksOf = (spec: ReturnType<typeof validateJobSpec>) =>
  logicalGraphOf(spec, 'rivulet').nodes.flatMap((n) => (n.op.kind === 'sink' ? [{ name: n.name, type: n.op.sink.type }] : []));

describe('preview: true', () => {
  it('checkpoints once a day and plans one preview sink instead of the spec sinks (JSON form)', () => {
    const spec = validateJobSpec({ ...JSON_SPEC, preview: true });
    expect(spec.preview).toBe(true);
    expect(spec.config.checkpoint_interval_ms).toBe(PREVIEW_CHECKPOINT_INTERVAL_MS);
    expect(spec.sinks.map((s) => s.type)).toEqual(['nats', 'stdout']); // kept as submitted
    expect(sinksOf(spec)).toEqual([{ name: 'preview-sink', type: 'preview' }]);
  });

  it('replaces every sink of a SQL job', () => {
    const spec = validateJobSpec({ name: 'q', query: SQL, preview: true });
    expect(spec.config.checkpoint_interval_ms).toBe(PREVIEW_CHECKPOINT_INTERVAL_MS);
    expect(sinksOf(spec)).toEqual([{ name: 'preview-sink', type: 'preview' }]);
    expect(sinksOf(validateJobSpec({ name: 'q', query: SQL }))).toEqual([{ name: 'nats-sink', type: 'nats' }]);
  });

  it('leaves a job without it (or preview: false) alone', () => {
    const spec = validateJobSpec({ ...JSON_SPEC, preview: false });
    expect(spec.preview).toBeUndefined();
    expect(spec.config.checkpoint_interval_ms).toBe(5000);
    expect(sinksOf(spec).map((s) => s.type)).toEqual(['nats', 'stdout']);
  });

  it('must be a boolean', () => {
    for (const body of [{ ...JSON_SPEC, preview: 'yes' }, { name: 'q', query: SQL, preview: 1 }]) {
      expect(() => validateJobSpec(body)).toThrow(ValidationError);
      try {
        validateJobSpec(body);
      } catch (err) {
        expect((err as ValidationError).details!.map((d) => d.field)).toEqual(['preview']);
      }
    }
  });
});
