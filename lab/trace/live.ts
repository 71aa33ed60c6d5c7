/**
 * The live terminal view: one aligned, coloured line per entry (+ms, actor, verb, object, rv,
 * details), filtered like the exports. formatLine is pure so it is tested without a terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { actorRank } from './actors.js';
import { OwnerIndex } from './correlate.js';
import { makeFilter, type TraceFilter } from './filter.js';
import { redactEntry } from './redact.js';
import type { Actor, TraceEntry } from './schema.js';
import { detailsSummary } from './summary.js';
import type { Timeline } from './timeline.js';

const COLUMN = { time: 9, actor: 24, verb: 12, object: 34, rv: 8 } as const;

function fit(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return text.slice(0, Math.max(0, width - 1)) + '…';
}

function colourOf(chalk: ChalkInstance, actor: Actor): (s: string) => string {
  const palette = [chalk.white, chalk.magenta, chalk.yellow, chalk.cyan, chalk.blue, chalk.green, chalk.red, chalk.gray];
  const rank = Math.floor(actorRank(actor));
  return palette[rank] ?? chalk.white;
}

export function objectLabel(e: TraceEntry): string {
  const ns = e.object.namespace ? `${e.object.namespace}/` : '';
  return `${e.object.kind.toLowerCase()}/${ns}${e.object.name}`;
}

/**
 * One line of at most `width` characters. Pass a chalk instance with level 0 for plain text.
 */
export function formatLine(entry: TraceEntry, width: number, chalk: ChalkInstance = new Chalk({ level: 0 })): string {
  const e = redactEntry(entry);
  const time = `+${e.tMs}ms`.padStart(COLUMN.time - 1) + ' ';
  const cells = [
    time,
    fit(e.actor, COLUMN.actor) + ' ',
    fit(e.verb, COLUMN.verb) + ' ',
    fit(objectLabel(e), COLUMN.object) + ' ',
    fit(e.resourceVersion ?? '', COLUMN.rv) + ' ',
  ];
  const fixed = cells.join('');
  const detailWidth = Math.max(0, width - fixed.length);
  const details = detailWidth > 0 ? fit(detailsSummary(e), detailWidth).trimEnd() : '';
  if (fixed.length > width) return fixed.slice(0, width);
  const colour = colourOf(chalk, e.actor);
  return chalk.dim(cells[0]!) + colour(cells[1]!) + chalk.bold(cells[2]!) + cells[3]! + chalk.dim(cells[4]!) + details;
}

export interface LiveViewOptions {
  filter?: TraceFilter;
  owners?: OwnerIndex;
  write?: (line: string) => void;
  width?: () => number;
  colour?: boolean;
}

/** Print every matching entry as it arrives; returns a function that stops the view. */
export function startLiveView(timeline: Timeline, opts: LiveViewOptions = {}): () => void {
  const chalk = new Chalk({ level: opts.colour === false ? 0 : 2 });
  const owners = opts.owners ?? new OwnerIndex();
  const ownIndex = !opts.owners;
  const keep = makeFilter(opts.filter ?? {}, owners, Date.now() - timeline.startMs);
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const width = opts.width ?? (() => process.stdout.columns || 160);
  return timeline.subscribe((e) => {
    if (ownIndex) owners.observe(e);
    if (keep(e)) write(formatLine(e, width(), chalk));
  });
}
