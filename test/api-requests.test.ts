// Request body validators of the control API: good bodies with their defaults, and every bad
// field reported by its path (all problems at once, as a 400 ValidationError).

import { describe, expect, it } from 'vitest';
import {
  parseCancelRequest,
  parseCheckpointDetailsRequest,
  parseJobId,
  parseListRequest,
  parseRestartRequest,
  parseSavepointDeleteRequest,
  parseSavepointRequest,
  parseStopRequest,
} from '../src/api/requests.js';
import { ValidationError } from '../src/errors.js';

/** The fields a validator rejected, in order; fails the test if it accepted the body. */
function badFields(parse: (b: Record<string, unknown>) => unknown, body: Record<string, unknown>): (string | undefined)[] {
  try {
    parse(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe(400);
    return (err as ValidationError).details!.map((d) => d.field);
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('job_id bodies (get, resume, savepoints, checkpoints)', () => {
  it('accepts a job_id', () => {
    expect(parseJobId({ job_id: 'job-1' })).toBe('job-1');
  });
  it('rejects a missing, empty or non-string job_id and unknown fields', () => {
    expect(badFields(parseJobId, {})).toEqual(['job_id']);
    expect(badFields(parseJobId, { job_id: '' })).toEqual(['job_id']);
    expect(badFields(parseJobId, { job_id: 7 })).toEqual(['job_id']);
    expect(badFields(parseJobId, { job_id: 'job-1', jobid: 'x' })).toEqual(['jobid']);
  });
});

describe('list', () => {
  it('applies defaults and names bad fields', () => {
    // No offset: from the start (offset and starting_after exclude each other).
    expect(parseListRequest({})).toEqual({ limit: 100 });
    expect(parseListRequest({ status: 'paused', limit: 5, offset: 2 })).toEqual({ status: 'paused', limit: 5, offset: 2 });
    expect(badFields(parseListRequest, { status: 'stopped', limit: 0, offset: -1, x: 1 })).toEqual(['x', 'status', 'limit', 'offset']);
  });
  it('takes a cursor instead of an offset, not both', () => {
    expect(parseListRequest({ starting_after: 'job-1', limit: 1000 })).toEqual({ starting_after: 'job-1', limit: 1000 });
    expect(badFields(parseListRequest, { starting_after: 'job-1', offset: 0 })).toEqual(['starting_after']);
    expect(badFields(parseListRequest, { starting_after: '' })).toEqual(['starting_after']);
    expect(badFields(parseListRequest, { starting_after: 7, limit: 1001 })).toEqual(['limit', 'starting_after']);
  });
});

describe('stop', () => {
  it('defaults the mode to checkpoint and accepts every mode', () => {
    expect(parseStopRequest({ job_id: 'j' })).toEqual({ job_id: 'j', mode: 'checkpoint' });
    for (const mode of ['checkpoint', 'graceful', 'immediate', 'force']) {
      expect(parseStopRequest({ job_id: 'j', mode })).toEqual({ job_id: 'j', mode });
    }
  });
  it('rejects an unknown mode, a missing job_id and unknown fields together', () => {
    expect(badFields(parseStopRequest, { mode: 'pause', now: true })).toEqual(['now', 'job_id', 'mode']);
    expect(badFields(parseStopRequest, { job_id: 'j', mode: null })).toEqual(['mode']);
  });
});

describe('cancel', () => {
  it('defaults savepoint to false', () => {
    expect(parseCancelRequest({ job_id: 'j' })).toEqual({ job_id: 'j', savepoint: false });
    expect(parseCancelRequest({ job_id: 'j', savepoint: true })).toEqual({ job_id: 'j', savepoint: true });
  });
  it('rejects a savepoint that is not a boolean', () => {
    expect(badFields(parseCancelRequest, { job_id: 'j', savepoint: 'true' })).toEqual(['savepoint']);
    expect(badFields(parseCancelRequest, { job_id: 'j', savepoint: null })).toEqual(['savepoint']);
    expect(badFields(parseCancelRequest, { savepoint_id: 'sp' })).toEqual(['savepoint_id', 'job_id']);
  });
});

describe('restart', () => {
  it('passes only the fields given', () => {
    expect(parseRestartRequest({ job_id: 'j' })).toEqual({ job_id: 'j' });
    expect(parseRestartRequest({ job_id: 'j', savepoint_id: 'sp-1', config_overrides: { parallelism: 256 } })).toEqual({
      job_id: 'j',
      savepoint_id: 'sp-1',
      config_overrides: { parallelism: 256 },
    });
    expect(parseRestartRequest({ job_id: 'j', config_overrides: {} })).toEqual({ job_id: 'j', config_overrides: {} });
  });
  it('names bad overrides by their path', () => {
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: { parallelism: 0 } })).toEqual(['config_overrides.parallelism']);
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: { parallelism: 257 } })).toEqual(['config_overrides.parallelism']);
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: { parallelism: 1.5 } })).toEqual(['config_overrides.parallelism']);
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: { parallelism: 2, batch_size: 10 } })).toEqual([
      'config_overrides.batch_size',
    ]);
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: [2] })).toEqual(['config_overrides']);
    expect(badFields(parseRestartRequest, { job_id: 'j', config_overrides: null })).toEqual(['config_overrides']);
  });
  it('rejects an empty savepoint_id and unknown fields', () => {
    expect(badFields(parseRestartRequest, { job_id: 'j', savepoint_id: '' })).toEqual(['savepoint_id']);
    expect(badFields(parseRestartRequest, { job_id: 'j', savepoint: 'sp-1' })).toEqual(['savepoint']);
  });
});

describe('savepoint', () => {
  it('defaults the description to null and keeps one up to 1024 characters', () => {
    expect(parseSavepointRequest({ job_id: 'j' })).toEqual({ job_id: 'j', description: null });
    const d = 'x'.repeat(1024);
    expect(parseSavepointRequest({ job_id: 'j', description: d })).toEqual({ job_id: 'j', description: d });
  });
  it('rejects a long or non-string description', () => {
    expect(badFields(parseSavepointRequest, { job_id: 'j', description: 'x'.repeat(1025) })).toEqual(['description']);
    expect(badFields(parseSavepointRequest, { job_id: 'j', description: 5 })).toEqual(['description']);
    expect(badFields(parseSavepointRequest, { job_id: 'j', description: null })).toEqual(['description']);
    expect(badFields(parseSavepointRequest, { description: 'pre-upgrade', name: 'x' })).toEqual(['name', 'job_id']);
  });
});

describe('savepoint_delete', () => {
  it('needs both ids', () => {
    expect(parseSavepointDeleteRequest({ job_id: 'j', savepoint_id: 'sp' })).toEqual({ job_id: 'j', savepoint_id: 'sp' });
    expect(badFields(parseSavepointDeleteRequest, {})).toEqual(['job_id', 'savepoint_id']);
    expect(badFields(parseSavepointDeleteRequest, { job_id: 'j', savepoint_id: 3, force: true })).toEqual(['force', 'savepoint_id']);
  });
});

describe('checkpoint_details', () => {
  it('needs a positive integer epoch', () => {
    expect(parseCheckpointDetailsRequest({ job_id: 'j', epoch: 3 })).toEqual({ job_id: 'j', epoch: 3 });
    for (const epoch of [0, -1, 1.5, '3', null, undefined]) {
      expect(badFields(parseCheckpointDetailsRequest, { job_id: 'j', epoch })).toEqual(['epoch']);
    }
    expect(badFields(parseCheckpointDetailsRequest, { epoch: 1, operator: 'a' })).toEqual(['operator', 'job_id']);
  });
});

it('puts every problem in the message too', () => {
  expect(() => parseStopRequest({ mode: 'x' })).toThrow(/job_id: .*; mode: unknown stop mode "x"/);
});
