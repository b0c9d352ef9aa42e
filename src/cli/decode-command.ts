/** `lacpscope decode FILE... [--format text|jsonl]`: one line per Slow Protocols frame, counts on stderr. */
import type { SourceStats } from '../capture/frame.js';
import { formatJsonl, formatTextLine } from '../decode/format.js';
import type { SlowPdu } from '../decode/pdu.js';
import { COMMON_OPTIONS, INPUT_OPTIONS, checkDate, decodeHelp, oneOf, parseCommand } from './args.js';
import { answeredInfo, checkInputs, errorLine, usageError, writeLine, type CliIo } from './io.js';
import { LineOutput } from './output.js';
import { readInputs } from './pipeline.js';

interface Counts {
  decoded: number;
  malformed: number;
}

/** A frame a receiver would reject; warnings and notes (non-standard but usable) do not count. */
export function isMalformed(pdu: SlowPdu): boolean {
  return pdu.problems.some((p) => p.severity === 'error');
}

function countsLine(name: string, frames: number | null, c: Counts): string {
  const read = frames === null ? '' : `${frames} frames read, `;
  return `${name}: ${read}${c.decoded} slow frames decoded, ${c.malformed} malformed`;
}

/** What a source's reader noticed besides frames: a cut at the end, snapshot cuts, skipped records. */
export function sourceWarnings(s: SourceStats): string[] {
  const out: string[] = [];
  if (s.truncated) {
    out.push(`lacpscope: ${s.name}: warning: ${s.truncated.message} (at byte offset ${s.truncated.offset}); every complete frame before it was used [TRUNCATED_CAPTURE]`);
  }
  if (s.snapCut > 0) out.push(`lacpscope: ${s.name}: warning: ${s.snapCut} slow frames cut by the snapshot length, decoded as far as their bytes go`);
  for (const k of s.skipped) out.push(`lacpscope: ${s.name}: note: ${k.message} (at byte offset ${k.offset})`);
  return out;
}

export async function decodeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('decode', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, ...INPUT_OPTIONS, format: { type: 'string', short: 'f' } },
  });
  if (answeredInfo(values, io, decodeHelp)) return 0;
  const format = oneOf(values.format, ['text', 'jsonl'] as const, 'text', 'format', 'decode');
  const date = checkDate(values.date, 'decode');
  if (positionals.length === 0) throw usageError('decode needs at least one FILE (- for standard input)', 'decode');
  checkInputs(positionals, io, 'decode');

  const stop = new AbortController();
  const out = new LineOutput(io.stdout, () => stop.abort());
  const counts = new Map<string, Counts>();
  const print = format === 'jsonl' ? formatJsonl : formatTextLine;
  const onDecoded = (d: { pdu: SlowPdu }) => {
    let c = counts.get(d.pdu.source);
    if (!c) counts.set(d.pdu.source, (c = { decoded: 0, malformed: 0 }));
    c.decoded++;
    if (isMalformed(d.pdu)) c.malformed++;
    out.line(print(d.pdu));
  };

  let stats: SourceStats[];
  try {
    stats = await readInputs(positionals, onDecoded, { order: 'file', date, signal: stop.signal });
  } catch (error) {
    await out.close();
    if (out.broken) return 0;
    // What was decoded before the failure is on stdout already; say how much, then why it stopped.
    for (const [name, c] of counts) writeLine(io.stderr, countsLine(name, null, c));
    writeLine(io.stderr, errorLine(error));
    return 2;
  }
  await out.close();
  if (out.broken) return 0;

  const total = { frames: 0, decoded: 0, malformed: 0 };
  for (const s of stats) {
    const c = counts.get(s.name) ?? { decoded: 0, malformed: 0 };
    total.frames += s.frames;
    total.decoded += c.decoded;
    total.malformed += c.malformed;
    writeLine(io.stderr, countsLine(s.name, s.frames, c));
    for (const w of sourceWarnings(s)) writeLine(io.stderr, w);
  }
  if (stats.length > 1) writeLine(io.stderr, countsLine('total', total.frames, total));
  return 0;
}
