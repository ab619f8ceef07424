// Logging: pino JSON on stderr (stdout is left for job output), pretty-printed on a terminal.
// RIVULET_LOG_LEVEL sets the level (default info).

import { pino, type Logger } from 'pino';

export function createLogger(name: string, opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.RIVULET_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? (process.stderr.isTTY === true && process.env.RIVULET_LOG_FORMAT !== 'json');
  if (pretty) {
    return pino({
      name,
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ name, level }, pino.destination({ fd: 2, sync: true }));
}
