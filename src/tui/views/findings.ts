/** Findings view model: every finding by severity (or time), filterable, the selected one in full. */
import type { Finding } from '../../analyze/model.js';
import type { FindingsOrder } from '../derive.js';
import { severityTone } from '../derive.js';
import type { Line } from '../text.js';
import { clip, offset, pad, seg } from '../text.js';

/** Wrap plain text to `width` columns at spaces. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** One finding as a table row: severity, time from capture start, code, where, message. */
export function findingRow(f: Finding, t0: number, selected: boolean, whereWidth: number, width: number): Line {
  const where = f.port ?? f.link ?? '';
  return clip(
    [
      seg(selected ? '▶ ' : '  ', 'accent'),
      seg(pad(f.severity.toUpperCase(), 8), severityTone(f.severity), { bold: true, inverse: selected || undefined }),
      seg(` ${pad(offset(Number(f.time) - t0, 0.001), 11)} ${pad(f.code, 24)} ${pad(where, whereWidth)} ${f.message}`, undefined, { inverse: selected || undefined }),
    ],
    width,
  );
}

export function findingsLines(
  findings: Finding[],
  total: number,
  selected: number,
  order: FindingsOrder,
  t0: number,
  width: number,
  height: number,
): Line[] {
  const lines: Line[] = [
    clip(
      [
        seg(`Findings ${findings.length === total ? total : `${findings.length} of ${total}`}`, 'accent', { bold: true }),
        seg(`  by ${order} (s: by ${order === 'severity' ? 'time' : 'severity'}) · Enter: show in timeline`, 'muted'),
      ],
      width,
    ),
  ];
  if (!findings.length) {
    lines.push([seg(total ? 'No finding matches the filter (Esc clears it).' : 'No findings.', 'muted')]);
    return lines;
  }
  const whereWidth = width >= 160 ? 42 : 23;
  lines.push(clip([seg(`  ${pad('SEVERITY', 8)} ${pad('TIME', 11)} ${pad('CODE', 24)} ${pad('PORT / LINK', whereWidth)} MESSAGE`, 'muted', { bold: true })], width));
  const sel = Math.max(0, Math.min(selected, findings.length - 1));
  const detail = wrap(findings[sel].message, Math.max(20, width - 2));
  const room = Math.max(1, height - lines.length - detail.length - 2);
  const first = Math.max(0, Math.min(sel - Math.floor(room / 2), findings.length - room));
  for (let i = first; i < Math.min(findings.length, first + room); i++) {
    lines.push(findingRow(findings[i], t0, i === sel, whereWidth, width));
  }
  const f = findings[sel];
  lines.push([]);
  lines.push(
    clip(
      [
        seg(`${f.code} `, severityTone(f.severity), { bold: true }),
        seg(`${offset(Number(f.time) - t0, 0.001)} → ${offset(Number(f.until) - t0, 0.001)}`, 'muted'),
        seg(f.frames.length ? `  frames ${f.frames.slice(0, 12).join(', ')}${f.frames.length > 12 ? ', …' : ''}${f.source ? ` of ${f.source}` : ''}` : '', 'muted'),
      ],
      width,
    ),
  );
  for (const l of detail) lines.push([seg(`  ${l}`)]);
  return lines.slice(0, height);
}
