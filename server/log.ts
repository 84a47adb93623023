import { PasserelleError } from '#widget/errors.ts';
import type { LogLevel } from './config.ts';

/** Extra structured facts attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Structured JSON logger; every value passes through `redact` before it is written. */
export interface Logger {
	debug(message: string, fields?: LogFields): void;
	info(message: string, fields?: LogFields): void;
	warn(message: string, fields?: LogFields): void;
	error(message: string, fields?: LogFields): void;
	/** A logger that adds `fields` to every line (e.g. `{ docId }`). */
	child(fields: LogFields): Logger;
	/** Registers a secret value (token, key) to be masked wherever it appears. */
	addSecretValue(value: string): void;
}

/** How `createLogger` writes and filters. */
export interface LoggerOptions {
	level?: LogLevel;
	/** Receives one JSON line per entry; defaults to stdout (stderr for warn and error). */
	write?: (line: string, level: Exclude<LogLevel, 'silent'>) => void;
	/** Fields on every line. */
	base?: LogFields;
	now?: () => Date;
}

/** What replaces a hidden value. */
export const REDACTED = '[masqué]';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Key names whose values are secrets whatever they look like (compared lowercased, without `-`/`_`). */
const SECRET_KEY_PARTS = [
	'token',
	'secret',
	'password',
	'passwd',
	'apikey',
	'authorization',
	'cookie',
	'credential',
	'privatekey',
	'ciphertext',
	'plaintext',
	'signature',
	'sessionid'
];
const SECRET_KEY_EXACT = new Set(['auth', 'key', 'pass', 'pwd', 'jwt', 'bearer', 'xgristaccesstoken']);

/** Tells whether a field named `key` must never be logged. */
export function isSecretKey(key: string): boolean {
	const k = key.toLowerCase().replace(/[-_\s]/g, '');
	return SECRET_KEY_EXACT.has(k) || SECRET_KEY_PARTS.some((part) => k.includes(part));
}

/** Patterns that reveal a secret inside free text (URLs, error messages, headers dumped as text). */
const TEXT_PATTERNS: [RegExp, string][] = [
	// Authorization headers and bearer tokens.
	[/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
	[
		/\b(authorization|x-grist-access-token|api[-_]?key|cookie)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi,
		`$1$2${REDACTED}`
	],
	// Query parameters that carry credentials (`?auth=` is how Grist access tokens travel).
	[
		/([?&;](?:auth|token|access_token|api_key|apikey|key|secret|password|signature|sig)=)[^&#\s"']*/gi,
		`$1${REDACTED}`
	],
	// Credentials inside URLs: postgres://user:password@host.
	[/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, `$1${REDACTED}@`],
	// JSON Web Tokens (Grist access tokens are JWTs).
	[/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
	// Grist API keys are 40 hex characters.
	[/(?<![A-Za-z0-9])[0-9a-f]{40,}(?![A-Za-z0-9])/gi, REDACTED]
];

/** Long base64-like runs mixing digits, upper and lower case look like API keys (DS tokens). */
const OPAQUE_RUN = /[A-Za-z0-9_+/=-]{32,}/g;

function maskOpaqueRun(run: string): string {
	return /\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run) ? REDACTED : run;
}

/** Masks secrets found in `text` by pattern and by the literal values in `secretValues`. */
export function redactText(text: string, secretValues: Iterable<string> = []): string {
	let out = text;
	for (const value of secretValues) {
		if (value.length >= 6) out = out.split(value).join(REDACTED);
	}
	for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
	return out.replace(OPAQUE_RUN, maskOpaqueRun);
}

function serializeError(error: Error, secretValues: Iterable<string>, seen: WeakSet<object>, depth: number) {
	const out: LogFields = { name: error.name, message: error.message };
	if (error instanceof PasserelleError) {
		out.code = error.code;
		out.retryable = error.retryable;
		if (Object.keys(error.details).length) out.details = error.details;
	} else if ('code' in error && error.code !== undefined) {
		out.code = error.code;
	}
	if (error.stack) out.stack = error.stack;
	if (error.cause !== undefined) out.cause = error.cause;
	return redactValue(out, secretValues, seen, depth);
}

function redactValue(
	value: unknown,
	secretValues: Iterable<string>,
	seen: WeakSet<object>,
	depth: number
): unknown {
	if (typeof value === 'string') return redactText(value, secretValues);
	if (value === null || typeof value !== 'object') {
		if (typeof value === 'bigint') return value.toString();
		if (typeof value === 'function' || typeof value === 'symbol') return undefined;
		return value;
	}
	if (seen.has(value)) return '[circulaire]';
	if (depth > 8) return '[trop profond]';
	seen.add(value);
	try {
		if (value instanceof Error) return serializeError(value, secretValues, seen, depth + 1);
		if (value instanceof Date) return value.toISOString();
		if (value instanceof URL) return redactText(value.href, secretValues);
		if (typeof Headers !== 'undefined' && value instanceof Headers) {
			return redactValue(Object.fromEntries(value.entries()), secretValues, seen, depth + 1);
		}
		if (ArrayBuffer.isView(value)) return `[${value.byteLength} octets]`;
		if (Array.isArray(value)) return value.map((item) => redactValue(item, secretValues, seen, depth + 1));
		if (value instanceof Map) {
			return redactValue(Object.fromEntries(value.entries()), secretValues, seen, depth + 1);
		}
		const out: LogFields = {};
		for (const [key, item] of Object.entries(value)) {
			out[key] = isSecretKey(key) ? REDACTED : redactValue(item, secretValues, seen, depth + 1);
		}
		return out;
	} finally {
		seen.delete(value);
	}
}

/** Returns a JSON-safe copy of `value` with every secret masked (by key name and by pattern). */
export function redact(value: unknown, secretValues: Iterable<string> = []): unknown {
	return redactValue(value, secretValues, new WeakSet(), 0);
}

function defaultWrite(line: string, level: Exclude<LogLevel, 'silent'>): void {
	(level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(line + '\n');
}

/** Creates a JSON-lines logger: `{ time, level, msg, ...fields }`, secrets masked. */
export function createLogger(options: LoggerOptions = {}): Logger {
	const threshold = LEVEL_RANK[options.level ?? 'info'];
	const write = options.write ?? defaultWrite;
	const now = options.now ?? (() => new Date());
	const secretValues = new Set<string>();

	function make(base: LogFields): Logger {
		const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
			if (LEVEL_RANK[level] < threshold) return;
			const entry = redact({ ...base, ...fields }, secretValues) as LogFields;
			const line = { time: now().toISOString(), level, msg: redactText(message, secretValues), ...entry };
			let text: string;
			try {
				text = JSON.stringify(line);
			} catch {
				text = JSON.stringify({ time: line.time, level, msg: line.msg, note: 'champs non sérialisables' });
			}
			write(text, level);
		};
		return {
			debug: (message, fields) => emit('debug', message, fields),
			info: (message, fields) => emit('info', message, fields),
			warn: (message, fields) => emit('warn', message, fields),
			error: (message, fields) => emit('error', message, fields),
			child: (fields) => make({ ...base, ...fields }),
			addSecretValue: (value) => {
				if (value.length >= 6) secretValues.add(value);
			}
		};
	}
	return make(options.base ?? {});
}
