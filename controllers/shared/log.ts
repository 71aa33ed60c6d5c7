// A minimal structured logger: one line per message, `component level msg key=value ...`.
export interface Logger {
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
  debug(msg: string, fields?: object): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function parseLevel(value: string | undefined): LogLevel {
  return value && value in LEVEL_ORDER ? (value as LogLevel) : 'info';
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

export function formatFields(fields?: object): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}=${formatValue(value)}`)
    .join('');
}

/** Logs to stderr (stdout is left to commands that print results); level from LOG_LEVEL. */
export function consoleLogger(component: string, level: LogLevel = parseLevel(process.env.LOG_LEVEL)): Logger {
  const write = (at: LogLevel) => (msg: string, fields?: object) => {
    if (LEVEL_ORDER[at] < LEVEL_ORDER[level]) return;
    process.stderr.write(`${new Date().toISOString()} ${component} ${at.toUpperCase()} ${msg}${formatFields(fields)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
