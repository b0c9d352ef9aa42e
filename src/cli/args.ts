/** Command-line parsing with node:util parseArgs, the options every command shares, and help texts. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_TEXT_DATE } from '../capture/tcpdump-text.js';
import { usageError } from './io.js';

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const;

/** Options of the commands that read captures. */
export const INPUT_OPTIONS = {
  date: { type: 'string' },
} as const;

/** Options of the commands that analyze. */
export const ANALYZE_OPTIONS = {
  'fail-on': { type: 'string' },
  threshold: { type: 'string', multiple: true },
} as const;

/** parseArgs, with its errors turned into one usage line that points at the command's help. */
export function parseCommand<T extends ParseArgsConfig>(command: string | undefined, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's messages carry a long hint about `--`; the first sentence is the useful part.
    throw usageError(message.split(/\.\s/)[0].replace(/\.$/, ''), command);
  }
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, option: string, command?: string): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`--${option} must be one of ${allowed.join(', ')}, not '${value}'`, command);
}

/** `--date YYYY-MM-DD`, checked to be a real calendar day. */
export function checkDate(value: string | undefined, command?: string): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw usageError(`--date must be a day as YYYY-MM-DD, not '${value}'`, command);
  }
  return value;
}

export const FAIL_ON = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const INPUTS_TEXT = `Inputs are recognised by content: pcap, pcapng (either may be gzip-compressed) or the text
tcpdump prints for LACP (-v/-vv, with or without -e, -n, -x/-xx/-X, -i any). FILE - is standard input.`;

const DATE_TEXT = `  --date YYYY-MM-DD         day for tcpdump text whose stamps carry only the time of day
                            (UTC; default ${DEFAULT_TEXT_DATE})`;

const COMMON_TEXT = `  --no-color                no colour (also when NO_COLOR is set)
  -h, --help                this help
  --version                 the version`;

const ANALYZE_TEXT = `  --fail-on LEVEL           exit 1 when a finding is at or above LEVEL: error (default),
                            warning, or never
  --threshold NAME=VALUE    override one diagnostic threshold (repeatable); names below`;

const EXIT_TEXT = `Exit status: 0 success, 1 a finding at or above --fail-on, 2 usage error or unreadable input.`;

export function mainHelp(): string {
  return `Usage: lacpscope [FILE...] [options]
       lacpscope analyze FILE... [--format text|json|markdown] [--fail-on LEVEL] [options]
       lacpscope decode FILE... [--format text|jsonl] [options]
       lacpscope live -i IFACE [-i IFACE]... [--write FILE]

Decodes LACP (IEEE 802.3ad / 802.1AX) traffic, rebuilds every port's state over time, pairs the
two ends of each link and says what went wrong, where and when.

With FILEs, opens the interactive review on them; with none, on the bundled demo capture. When
standard output is not a terminal, prints the analyze text report instead (exit status as analyze).

Commands:
  analyze   rebuild the timelines, run every diagnostic, print a report
  decode    one line (or JSON object) per Slow Protocols frame
  live      live view while capturing on one or more interfaces (runs tcpdump)
Run 'lacpscope COMMAND --help' for a command's options.

${INPUTS_TEXT}

Options:
${DATE_TEXT}
${ANALYZE_TEXT}
${COMMON_TEXT}

${EXIT_TEXT}
`;
}

export function decodeHelp(): string {
  return `Usage: lacpscope decode FILE... [--format text|jsonl] [--date YYYY-MM-DD]

Prints one line per Slow Protocols frame (LACP, Marker, OAM, OSSP) as soon as it is read, so a pipe
from a running 'tcpdump -U -w -' shows each frame at once. Several FILEs are merged by time. Standard
output carries only the frames; the counts (frames read, slow frames decoded, malformed) and any
warning (a capture cut mid-record, with its byte offset) go to standard error.

${INPUTS_TEXT}

Options:
  --format text|jsonl       text: one line like Wireshark's Info column (default);
                            jsonl: one JSON object per frame
${DATE_TEXT}
${COMMON_TEXT}

Exit status: 0 success, 2 usage error or unreadable input.
`;
}

export function analyzeHelp(thresholds: readonly { name: string; value: number }[]): string {
  const width = Math.max(0, ...thresholds.map((t) => t.name.length)) + 2;
  const names = thresholds.map((t) => `  ${t.name.padEnd(width)}${t.value}`).join('\n');
  return `Usage: lacpscope analyze FILE... [--format text|json|markdown] [--fail-on LEVEL] [options]

Rebuilds every port's actor and partner state over time, pairs the two ends of each link, groups
ports into aggregations and reports every finding with its time, frames and what to check. Several
FILEs (one capture per bond member, say) are merged by time.

${INPUTS_TEXT}

Options:
  --format text|json|markdown
                            text: summary, status lines, findings, timelines (default);
                            json: the report as data; markdown: an incident report for a ticket
${ANALYZE_TEXT}
${DATE_TEXT}
${COMMON_TEXT}

Thresholds (name and default):
${names}

${EXIT_TEXT}
`;
}
