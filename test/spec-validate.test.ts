import { describe, expect, it } from 'vitest';
import { type ErrorDetail, ValidationError } from '../src/errors.js';
import { validateJobSpec } from '../src/spec/validate.js';

/** The seed-like example: big orders, doubled. Fresh each call so tests can mutate it. */
function exampleSpec(): any {
  return {
    name: 'big orders',
    sources: [
      {
        type: 'nats',
        config: {
          subject: 'orders.>',
          format: 'json',
          schema: {
            fields: [
              { name: 'id', type: 'int64', nullable: false },
              { name: 'user', type: 'utf8' },
              { name: 'amount', type: 'float64' },
            ],
          },
        },
      },
    ],
    transformations: [
      { type: 'filter', config: { condition: 'amount > 10000' } },
      { type: 'project', config: { expressions: ['id', 'user', 'amount * 2 AS doubled'] } },
    ],
    sinks: [{ type: 'nats', config: { subject: 'orders.big', format: 'json' } }],
  };
}

function problems(input: unknown, options?: { prefix?: string }): ErrorDetail[] {
  try {
    validateJobSpec(input, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details ?? [];
  }
  throw new Error('expected the spec to be rejected');
}

/** Asserts exactly one problem, at `field`, whose message contains `message`. */
function expectOnly(input: unknown, field: string | undefined, message: string, options?: { prefix?: string }): void {
  const details = problems(input, options);
  expect(details).toHaveLength(1);
  expect(details[0]!.field).toBe(field);
  expect(details[0]!.message).toContain(message);
}

function withSpec(edit: (spec: any) => void): any {
  const spec = exampleSpec();
  edit(spec);
  return spec;
}

describe('validateJobSpec: accepted specs', () => {
  it('fills in defaults and normalizes the example spec', () => {
    const spec = validateJobSpec(exampleSpec());
    expect(spec.config).toEqual({ parallelism: 1, checkpoint_interval_ms: 10_000, batch_size: 4096, linger_ms: 5 });
    const source = spec.sources[0]!;
    expect(source.type).toBe('nats');
    if (source.type !== 'nats') return;
    expect(source.config.schema.fields.map((f) => f.nullable)).toEqual([false, true, true]);
    expect(spec.transformations).toHaveLength(2);
    expect(spec.sinks).toEqual([{ type: 'nats', config: { subject: 'orders.big', format: 'json' } }]);
  });

  it('accepts a minimal impulse → stdout job and fills transformations and formats', () => {
    const spec = validateJobSpec({ name: 'tick', sources: [{ type: 'impulse' }], sinks: [{ type: 'stdout' }, { type: 'blackhole', config: {} }] });
    expect(spec.transformations).toEqual([]);
    expect(spec.sources).toEqual([{ type: 'impulse', config: {} }]);
    expect(spec.sinks).toEqual([{ type: 'stdout', config: { format: 'json' } }, { type: 'blackhole', config: {} }]);
  });

  it('keeps seed-001 config settings and explicit values', () => {
    const spec = validateJobSpec(
      withSpec((s) => {
        s.config = { parallelism: 4, checkpoint_interval_ms: 60000, state_backend: 'rocksdb', restart_strategy: 'fixed_delay', batch_size: 1, linger_ms: 0 };
      }),
    );
    expect(spec.config).toEqual({ parallelism: 4, checkpoint_interval_ms: 60000, batch_size: 1, linger_ms: 0, state_backend: 'rocksdb', restart_strategy: 'fixed_delay' });
    const strategy = { type: 'exponential_backoff', max_delay_ms: 30_000 };
    expect(validateJobSpec(withSpec((s) => (s.config = { restart_strategy: strategy }))).config.restart_strategy).toEqual(strategy);
  });

  it('accepts jetstream connectors with start_sequence and a format-less nats source', () => {
    const spec = validateJobSpec(
      withSpec((s) => {
        s.sources[0] = { type: 'jetstream', config: { stream: 'ORDERS_v2', subject: 'orders.*', schema: s.sources[0].config.schema, start_sequence: 7 } };
        s.sinks = [{ type: 'jetstream', config: { stream: 'BIG', subject: 'big.orders' } }, { type: 'preview' }];
      }),
    );
    expect(spec.sources[0]).toMatchObject({ type: 'jetstream', config: { format: 'json', start_sequence: 7 } });
    expect(spec.sinks[0]).toEqual({ type: 'jetstream', config: { stream: 'BIG', subject: 'big.orders', format: 'json' } });
  });

  it('checks later steps against the schema a project produces', () => {
    const ok = withSpec((s) => s.transformations.push({ type: 'filter', config: { condition: 'doubled > 1' } }, { type: 'key_by', config: { keys: ['user'] } }));
    expect(validateJobSpec(ok).transformations).toHaveLength(4);
    const dropped = withSpec((s) => s.transformations.push({ type: 'key_by', config: { keys: ['amount'] } }));
    expectOnly(dropped, 'transformations[2].config.keys[0]', 'unknown column "amount"');
  });

  it('unions sources with the same columns even when nullability differs', () => {
    const spec = withSpec((s) => s.sources.push(structuredClone(s.sources[0])));
    spec.sources[1].config.schema.fields[0].nullable = true;
    expect(validateJobSpec(spec).sources).toHaveLength(2);
  });
});

describe('validateJobSpec: each problem names its field', () => {
  const cases: [string, (s: any) => void, string, string][] = [
    ['unknown source type', (s) => (s.sources[0].type = 'kafka'), 'sources[0].type', 'unknown source type "kafka" (expected one of impulse, nexmark, json_file, nats, jetstream)'],
    ['unknown field type', (s) => (s.sources[0].config.schema.fields[1].type = 'int128'), 'sources[0].config.schema.fields[1].type', 'unknown type "int128" (expected one of int32, int64, float64, utf8, bool, timestamp)'],
    ['duplicate field', (s) => s.sources[0].config.schema.fields.push({ name: 'user', type: 'utf8' }), 'sources[0].config.schema.fields[3].name', 'duplicate field name "user" (also fields[1])'],
    ['empty schema', (s) => (s.sources[0].config.schema.fields = []), 'sources[0].config.schema.fields', 'at least one field'],
    ['missing schema', (s) => delete s.sources[0].config.schema, 'sources[0].config.schema', 'missing'],
    ['missing subject', (s) => delete s.sources[0].config.subject, 'sources[0].config.subject', 'required string is missing'],
    ['subject with a space', (s) => (s.sources[0].config.subject = 'orders big'), 'sources[0].config.subject', 'whitespace'],
    ['subject with an empty token', (s) => (s.sources[0].config.subject = 'orders..eu'), 'sources[0].config.subject', 'empty token'],
    ['> not last', (s) => (s.sources[0].config.subject = 'orders.>.eu'), 'sources[0].config.subject', 'last token'],
    ['partial wildcard', (s) => (s.sources[0].config.subject = 'orders.eu*'), 'sources[0].config.subject', 'stand alone'],
    ['sink wildcard', (s) => (s.sinks[0].config.subject = 'out.*'), 'sinks[0].config.subject', 'wildcards are not allowed'],
    ['parallelism 0', (s) => (s.config = { parallelism: 0 }), 'config.parallelism', 'must be an integer from 1 to 256, got 0'],
    ['parallelism 257', (s) => (s.config = { parallelism: 257 }), 'config.parallelism', 'got 257'],
    ['parallelism 1.5', (s) => (s.config = { parallelism: 1.5 }), 'config.parallelism', 'got 1.5'],
    ['parallelism as string', (s) => (s.config = { parallelism: '2' }), 'config.parallelism', 'got "2"'],
    ['checkpoint interval too short', (s) => (s.config = { checkpoint_interval_ms: 999 }), 'config.checkpoint_interval_ms', 'from 1000 to 86400000'],
    ['checkpoint interval too long', (s) => (s.config = { checkpoint_interval_ms: 86_400_001 }), 'config.checkpoint_interval_ms', 'got 86400001'],
    ['batch size', (s) => (s.config = { batch_size: 1_000_001 }), 'config.batch_size', 'from 1 to 1000000'],
    ['linger', (s) => (s.config = { linger_ms: -1 }), 'config.linger_ms', 'from 0 to 10000'],
    ['unknown config key', (s) => (s.config = { paralelism: 2 }), 'config.paralelism', 'unknown key "paralelism"'],
    ['config not an object', (s) => (s.config = 4), 'config', 'expected an object, got number'],
    ['unknown restart strategy', (s) => (s.config = { restart_strategy: 'always' }), 'config.restart_strategy', 'unknown restart strategy "always"'],
    ['restart strategy without type', (s) => (s.config = { restart_strategy: { attempts: 3 } }), 'config.restart_strategy.type', 'missing'],
    ['restart strategy parameter typo', (s) => (s.config = { restart_strategy: { type: 'fixed_delay', delay: 5 } }), 'config.restart_strategy.delay', 'unknown parameter'],
    ['unknown source config key', (s) => (s.sources[0].config.topic = 'x'), 'sources[0].config.topic', 'unknown key "topic"'],
    ['unknown top-level key', (s) => (s.sinkz = []), 'sinkz', 'unknown key "sinkz"'],
    ['unsupported format', (s) => (s.sinks[0].config.format = 'avro'), 'sinks[0].config.format', 'only "json"'],
    ['bad stream name', (s) => (s.sinks[0] = { type: 'jetstream', config: { stream: 'my.stream', subject: 'x' } }), 'sinks[0].config.stream', 'invalid stream name'],
    ['start_sequence 0', (s) => (s.sources[0] = { type: 'jetstream', config: { ...s.sources[0].config, stream: 'S', start_sequence: 0 } }), 'sources[0].config.start_sequence', 'integer ≥ 1'],
    ['negative event rate', (s) => (s.sources = [{ type: 'impulse', config: { event_rate: -1 } }]), 'sources[0].config.event_rate', 'number ≥ 0'],
    ['fractional impulse count', (s) => (s.sources = [{ type: 'impulse', config: { count: 2.5 } }]), 'sources[0].config.count', 'integer ≥ 0'],
    ['settings on a blackhole', (s) => (s.sinks[0] = { type: 'blackhole', config: { x: 1 } }), 'sinks[0].config.x', 'takes no settings'],
    ['unknown sink type', (s) => (s.sinks[0].type = 'database'), 'sinks[0].type', 'expected one of nats, jetstream, preview, stdout, blackhole'],
    ['reserved source subject', (s) => (s.sources[0].config.subject = 'rivulet.api.v1.jobs.submit'), 'sources[0].config.subject', 'reserved'],
    ['reserved sink subject', (s) => (s.sinks[0].config.subject = 'rivulet.out'), 'sinks[0].config.subject', 'subjects under "rivulet." carry Rivulet'],
    ['source on every subject', (s) => (s.sources[0].config.subject = '>'), 'sources[0].config.subject', 'reserved'],
    ['empty sources', (s) => (s.sources = []), 'sources', 'at least one'],
    ['empty sinks', (s) => (s.sinks = []), 'sinks', 'at least one'],
    ['missing sinks', (s) => delete s.sinks, 'sinks', 'missing'],
    ['missing name', (s) => delete s.name, 'name', 'missing'],
    ['blank name', (s) => (s.name = '  '), 'name', 'must not be empty'],
    ['name with a slash', (s) => (s.name = 'a/b'), 'name', 'invalid job name'],
    ['name too long', (s) => (s.name = 'x'.repeat(129)), 'name', 'at most 128'],
    ['unknown transformation type', (s) => (s.transformations[0].type = 'cep'), 'transformations[0].type', 'expected one of filter, project, key_by'],
    ['missing condition', (s) => (s.transformations[0].config = {}), 'transformations[0].config.condition', 'missing'],
    ['empty projection', (s) => (s.transformations[1].config.expressions = []), 'transformations[1].config.expressions', 'at least one'],
    ['non-string expression', (s) => (s.transformations[1].config.expressions[1] = 3), 'transformations[1].config.expressions[1]', 'expected a string'],
    ['duplicate output name', (s) => s.transformations[1].config.expressions.push('amount AS user'), 'transformations[1].config.expressions[3]', 'duplicate output name "user"'],
    ['empty keys', (s) => s.transformations.push({ type: 'key_by', config: { keys: [] } }), 'transformations[2].config.keys', 'at least one'],
    ['key in the wrong case', (s) => s.transformations.push({ type: 'key_by', config: { keys: ['User'] } }), 'transformations[2].config.keys[0]', 'did you mean "user"?'],
    ['sources with different schemas', (s) => s.sources.push({ type: 'impulse' }), 'sources[1]', 'schema differs from sources[0]'],
  ];
  for (const [title, edit, field, message] of cases) {
    it(title, () => expectOnly(withSpec(edit), field, message));
  }

  it('reports an expression that refers to a missing column at its field', () => {
    const details = problems(withSpec((s) => (s.transformations[0].config.condition = 'amount > limit')));
    expect(details).toHaveLength(1);
    expect(details[0]!.field).toBe('transformations[0].config.condition');
    expect(details[0]!.message).toMatch(/limit/);
    const inProject = problems(withSpec((s) => (s.transformations[1].config.expressions[2] = 'price * 2 AS doubled')));
    expect(inProject.map((d) => d.field)).toEqual(['transformations[1].config.expressions[2]']);
  });

  it('rejects a filter whose condition is not boolean', () => {
    const details = problems(withSpec((s) => (s.transformations[0].config.condition = 'amount * 2')));
    expect(details.map((d) => d.field)).toEqual(['transformations[0].config.condition']);
  });

  it('honours a custom deployment prefix', () => {
    const acme = { prefix: 'acme.prod' };
    expectOnly(withSpec((s) => (s.sinks[0].config.subject = 'acme.prod.out')), 'sinks[0].config.subject', '"acme.prod."', acme);
    expect(() => validateJobSpec(withSpec((s) => (s.sinks[0].config.subject = 'rivulet.out')), acme)).not.toThrow();
    expect(() => validateJobSpec(withSpec((s) => (s.sinks[0].config.subject = 'acme.staging')), acme)).not.toThrow();
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'spec', 3]) {
      const details = problems(body);
      expect(details).toHaveLength(1);
      expect(details[0]!.message).toContain('must be a JSON object');
    }
  });
});

describe('validateJobSpec: collecting problems', () => {
  it('reports several problems together in one error', () => {
    const spec = withSpec((s) => {
      s.name = '';
      s.config = { parallelism: 0, bogus: true };
      s.sources[0].config.schema.fields[1].type = 'int128';
      s.sources[0].config.schema.fields.push({ name: 'user', type: 'utf8' });
      s.sinks[0].config.subject = 'rivulet.out';
      s.sinks.push({ type: 'database', config: {} });
    });
    let error: ValidationError | undefined;
    try {
      validateJobSpec(spec);
    } catch (err) {
      error = err as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.details!.map((d) => d.field)).toEqual([
      'name',
      'config.bogus',
      'config.parallelism',
      'sources[0].config.schema.fields[1].type',
      'sources[0].config.schema.fields[3].name',
      'sinks[0].config.subject',
      'sinks[1].type',
    ]);
    expect(error!.message).toMatch(/^invalid job spec \(7 problems\): name: must not be empty; .* and 4 more$/);
    expect(error!.field).toBe('name');
  });

  it('skips expression checks that depend on a broken schema', () => {
    // With the source schema broken there is no schema to check `amount > 10000` against.
    const spec = withSpec((s) => {
      s.sources[0].config.schema.fields[2].type = 'decimal';
      s.transformations[0].config.condition = 'nonsense > 1';
      s.transformations.push({ type: 'key_by', config: { keys: ['nope'] } });
    });
    expect(problems(spec).map((d) => d.field)).toEqual(['sources[0].config.schema.fields[2].type']);
  });

  it('keeps checking steps after a broken project without guessing its schema', () => {
    const spec = withSpec((s) => {
      s.transformations[1].config.expressions[0] = 'missing_col';
      s.transformations.push({ type: 'key_by', config: { keys: ['anything'] } }, { type: 'filter', config: {} });
    });
    expect(problems(spec).map((d) => d.field)).toEqual(['transformations[1].config.expressions[0]', 'transformations[3].config.condition']);
  });
});

describe('validateJobSpec: aggregate', () => {
  const AGGS = ['count(*) AS n', 'sum(amount) AS total', 'min(amount) AS lo', 'max(amount) AS hi', 'avg(amount) AS mean'];
  const aggregate = (config: object) => withSpec((s) => (s.transformations = [{ type: 'aggregate', config }]));
  const at = 'transformations[0].config';

  it('accepts the seed example and hands its output schema to the next step', () => {
    const ok = withSpec((s) => {
      s.transformations = [
        { type: 'aggregate', config: { group_by: ['user'], aggregates: AGGS } },
        { type: 'filter', config: { condition: 'n > 1 AND mean > 10.5' } },
        { type: 'project', config: { expressions: ['user', 'total', 'hi - lo AS spread'] } },
      ];
    });
    expect(validateJobSpec(ok).transformations[0]).toEqual({ type: 'aggregate', config: { group_by: ['user'], aggregates: AGGS } });
    // amount is gone after the aggregate.
    expectOnly(withSpec((s) => {
      s.transformations = [{ type: 'aggregate', config: { group_by: ['user'], aggregates: AGGS } }, { type: 'filter', config: { condition: 'amount > 1' } }];
    }), 'transformations[1].config.condition', 'amount');
  });

  it('accepts any scalar argument, any case of the function name, and Postgres default names', () => {
    const ok = aggregate({ group_by: ['user', 'id'], aggregates: ['COUNT(*)', 'Sum(amount * 2)', 'max(upper(user)) AS top', 'min(id) AS first_id', 'count(amount) c'] });
    expect(() => validateJobSpec(ok)).not.toThrow();
  });

  const cases: [string, object, string, string][] = [
    ['unknown function', { group_by: ['user'], aggregates: ['median(amount)'] }, `${at}.aggregates[0]`, 'unknown aggregate function "median" (expected one of count, sum, min, max, avg)'],
    ['not a call', { group_by: ['user'], aggregates: ['amount'] }, `${at}.aggregates[0]`, 'expected an aggregate call'],
    ['an expression around the call', { group_by: ['user'], aggregates: ['sum(amount) + 1 AS x'] }, `${at}.aggregates[0]`, 'expected an aggregate call'],
    ['sum of text', { group_by: ['id'], aggregates: ['sum(user)'] }, `${at}.aggregates[0]`, 'sum needs a numeric argument, got utf8'],
    ['avg of a boolean', { group_by: ['id'], aggregates: ['avg(amount > 1) AS a'] }, `${at}.aggregates[0]`, 'avg needs a numeric argument, got bool'],
    ['max of a boolean', { group_by: ['id'], aggregates: ['max(amount > 1) AS a'] }, `${at}.aggregates[0]`, 'max needs a numeric, timestamp or text argument, got bool'],
    ['sum(*)', { group_by: ['id'], aggregates: ['sum(*)'] }, `${at}.aggregates[0]`, 'only count(*)'],
    ['two arguments', { group_by: ['id'], aggregates: ['count(id, user)'] }, `${at}.aggregates[0]`, 'exactly one argument'],
    // count(DISTINCT x) is supported; DISTINCT in other aggregates is not.
    ['DISTINCT', { group_by: ['id'], aggregates: ['sum(DISTINCT amount)'] }, `${at}.aggregates[0]`, 'DISTINCT'],
    ['missing column in the argument', { group_by: ['user'], aggregates: ['sum(price)'] }, `${at}.aggregates[0]`, 'price'],
    ['duplicate default names', { group_by: ['user'], aggregates: ['count(*)', 'count(amount)'] }, `${at}.aggregates[1]`, 'duplicate output name "count" (also aggregates[0]); add "AS <alias>"'],
    ['alias clashing with a key', { group_by: ['user'], aggregates: ['max(amount) AS user'] }, `${at}.aggregates[0]`, 'duplicate output name "user" (also group_by[0])'],
    ['syntax error', { group_by: ['user'], aggregates: ['sum(amount'] }, `${at}.aggregates[0]`, 'syntax error'],
    ['empty aggregates', { group_by: ['user'], aggregates: [] }, `${at}.aggregates`, 'at least one'],
    ['missing aggregates', { group_by: ['user'] }, `${at}.aggregates`, 'missing'],
    ['empty group_by', { group_by: [], aggregates: ['count(*)'] }, `${at}.group_by`, 'at least one'],
    ['group_by not a list', { group_by: 'user', aggregates: ['count(*)'] }, `${at}.group_by`, 'expected an array of strings'],
    ['unknown group_by column', { group_by: ['region'], aggregates: ['count(*)'] }, `${at}.group_by[0]`, 'unknown column "region" (available: id, user, amount)'],
    ['group_by in the wrong case', { group_by: ['User'], aggregates: ['count(*)'] }, `${at}.group_by[0]`, 'did you mean "user"?'],
    ['duplicate group_by column', { group_by: ['user', 'user'], aggregates: ['count(*)'] }, `${at}.group_by[1]`, 'duplicate key "user"'],
    ['unknown config key', { group_by: ['user'], aggregates: ['count(*)'], having: 'n > 1' }, `${at}.having`, 'unknown key "having"'],
  ];
  for (const [title, config, field, message] of cases) {
    it(title, () => expectOnly(aggregate(config), field, message));
  }

  it('points the column of an error inside the argument into the whole item', () => {
    const [detail] = problems(aggregate({ group_by: ['user'], aggregates: ['sum(amount * pric) AS s'] }));
    expect(detail!.message).toContain('pric');
    expect(detail!.column).toBe(14);
    const [unknown] = problems(aggregate({ group_by: ['user'], aggregates: ['median(amount)'] }));
    expect(unknown!.column).toBe(1);
  });

  it('does not check steps after a broken aggregate against a guessed schema', () => {
    const spec = withSpec((s) => {
      s.transformations = [{ type: 'aggregate', config: { group_by: ['user'], aggregates: ['nope(amount)'] } }, { type: 'filter', config: { condition: 'whatever > 1' } }];
    });
    expect(problems(spec).map((d) => d.field)).toEqual([`${at}.aggregates[0]`]);
  });
});
