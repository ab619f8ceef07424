// Sends one command to one worker and turns its reply into success or a typed error.

import { ExternalError, JobRuntimeError, type ErrorDomain } from '../src/errors.js';
import { decodeControl, encodeControl } from '../src/nats/codec.js';
import type { ControllerDeps } from '../src/controller/deps.js';
import type { CommandReply, WorkerCommand } from '../src/wire.js';

export async function sendWorkerCommand(deps: ControllerDeps, workerId: string, cmd: WorkerCommand): Promise<void> {
  let reply: CommandReply;
  try {
    const msg = await deps.nc.request(deps.subjects.control.worker(workerId), encodeControl(cmd), { timeout: deps.commandTimeoutMs });
    reply = decodeControl<CommandReply>(msg.data);
  } catch (err) {
    throw new ExternalError(`worker ${workerId} did not answer ${cmd.type}: ${(err as Error).message}`, { cause: err });
  }
  if (!reply.ok) {
    const e = reply.error;
    throw new JobRuntimeError(`worker ${workerId} failed to ${cmd.type}: ${e?.message ?? 'unknown error'}`, {
      domain: (e?.domain as ErrorDomain) ?? 'internal',
      retryable: e?.retryable ?? true,
    });
  }
}
