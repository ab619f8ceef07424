// NATS subject and stream-name rules for connector configs. Checked at submit time so a typo fails
// the request instead of a subtask at runtime.

const STREAM_NAME = /^[A-Za-z0-9_-]+$/;

export interface SubjectRules {
  /** Sources subscribe, so `*` and `>` make sense; sinks publish and need a literal subject. */
  wildcards: boolean;
  /** Deployment prefix whose subjects carry Rivulet's own API, control and data traffic. */
  prefix: string;
}

/** Returns why `subject` is unusable, or undefined when it is fine. */
export function subjectProblem(subject: string, rules: SubjectRules): string | undefined {
  if (/\s/.test(subject)) return `invalid subject "${subject}": subjects must not contain whitespace`;
  const tokens = subject.split('.');
  if (tokens.some((t) => t === '')) return `invalid subject "${subject}": empty token (leading, trailing or double ".")`;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const wildcard = token === '*' || token === '>';
    if (!wildcard && (token.includes('*') || token.includes('>'))) {
      return `invalid subject "${subject}": "*" and ">" must stand alone as a token`;
    }
    if (wildcard && !rules.wildcards) return `invalid subject "${subject}": sinks publish to a literal subject, wildcards are not allowed`;
    if (token === '>' && i !== tokens.length - 1) return `invalid subject "${subject}": ">" is only allowed as the last token`;
  }
  if (coversReserved(tokens, rules.prefix)) {
    return `subject "${subject}" is reserved: subjects under "${rules.prefix}." carry Rivulet's own traffic`;
  }
  return undefined;
}

/**
 * True when the subject is under `<prefix>.` or is a `>` wildcard that swallows it (a source on `>`
 * would read Rivulet's own shuffle and control messages). A leading `*` is allowed: it only
 * overlaps subjects of one exact depth, and users have legitimate uses for it.
 */
function coversReserved(tokens: string[], prefix: string): boolean {
  const reserved = prefix.split('.');
  for (let i = 0; i < reserved.length; i++) {
    const token = tokens[i];
    if (token === '>') return true;
    if (token !== reserved[i]) return false;
  }
  return tokens.length > reserved.length;
}

export function streamNameProblem(stream: string): string | undefined {
  if (STREAM_NAME.test(stream)) return undefined;
  return `invalid stream name "${stream}" (letters, digits, "_" and "-" only)`;
}
