// Seed 000's get_action for all 14 states: the label, stop type and in-progress flag a UI offers.

import { expect, it } from 'vitest';
import { jobAction } from '../machines/action.js';
import { JOB_STATES } from '../src/api/schema/common.js';
import { JobActionSchema } from '../src/api/schema/jobs.js';

it('matches Arroyo where it says something, for running desired and for a stop asked', () => {
  expect(jobAction('Running', true)).toEqual({ label: 'Stop', stop_type: 'checkpoint', in_progress: false });
  expect(jobAction('Running', false)).toEqual({ label: 'Stopping', stop_type: null, in_progress: true });
  expect(jobAction('Failed', false)).toEqual({ label: 'Start', stop_type: 'none', in_progress: false });
  expect(jobAction('Failed', true)).toEqual({ label: 'Failed', stop_type: null, in_progress: false });
  expect(jobAction('Stopped', false)).toEqual({ label: 'Start', stop_type: 'none', in_progress: false });
  expect(jobAction('Stopped', true)).toEqual({ label: 'Starting', stop_type: null, in_progress: true });
  expect(jobAction('CheckpointStopping', true)).toEqual({ label: 'Force Stop', stop_type: 'immediate', in_progress: true });
  expect(jobAction('Finished', true)).toEqual({ label: 'Finished', stop_type: null, in_progress: false });
  expect(jobAction('Created', false)).toEqual({ label: 'Start', stop_type: 'none', in_progress: false });
});

it('answers for every state, and only the stable states are not in progress', () => {
  const stable: string[] = [];
  for (const state of JOB_STATES) {
    for (const desired of [true, false]) {
      const a = jobAction(state, desired);
      expect(JobActionSchema.parse(a)).toEqual(a);
      if (!a.in_progress) stable.push(`${state}/${desired}`);
    }
  }
  expect(stable.sort()).toEqual(['Created/false', 'Failed/false', 'Failed/true', 'Finished/false', 'Finished/true', 'Running/true', 'Stopped/false']);
});
