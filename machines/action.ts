// Seed 000's get_action: the action a UI offers for a job in each of the 14 states, its stop type
// and whether the job is on its way between states. `running desired` is Arroyo's "no stop asked":
// here, no STOP pending or in effect (stop_reason unset).

import type { JobAction, JobState } from '../src/wire.js';

type Row = [label: string, stopType: JobAction['stop_type'], inProgress: boolean];

/** Per state: [when running is desired, when a stop was asked]. Arroyo's table; Failing added. */
const ACTIONS: Record<JobState, [Row, Row]> = {
  Created: [['Stop', 'checkpoint', true], ['Start', 'none', false]],
  Compiling: [['Stop', 'checkpoint', true], ['Stopping', null, true]],
  Scheduling: [['Stop', 'checkpoint', true], ['Stopping', null, true]],
  Running: [['Stop', 'checkpoint', false], ['Stopping', null, true]],
  Rescaling: [['Stop', 'checkpoint', true], ['Stopping', null, true]],
  CheckpointStopping: [['Force Stop', 'immediate', true], ['Force Stop', 'immediate', true]],
  Recovering: [['Stop', 'checkpoint', true], ['Stopping', null, true]],
  Restarting: [['Stop', 'checkpoint', true], ['Stopping', null, true]],
  Stopping: [['Stopping', 'checkpoint', true], ['Stopping', null, true]],
  Stopped: [['Starting', null, true], ['Start', 'none', false]],
  Finishing: [['Finishing', null, true], ['Finishing', null, true]],
  Finished: [['Finished', null, false], ['Finished', null, false]],
  // Not in Arroyo's table: the outcome is decided, only cleanup is left.
  Failing: [['Failing', null, true], ['Failing', null, true]],
  Failed: [['Failed', null, false], ['Start', 'none', false]],
};

export function jobAction(state: JobState, runningDesired: boolean): JobAction {
  const [label, stop_type, in_progress] = ACTIONS[state][runningDesired ? 0 : 1];
  return { label, stop_type, in_progress };
}
