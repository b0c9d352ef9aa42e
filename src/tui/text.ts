/** Styled text lines: what every view computes (purely) and one component renders. */

export type Tone = 'good' | 'warn' | 'bad' | 'info' | 'accent' | 'muted';

export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
}

export type Line = Segment[];

export function seg(text: string, tone?: Tone, extra: Omit<Segment, 'text' | 'tone'> = {}): Segment {
  return { text, tone, ...extra };
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Cut a line to `width` columns (every character here is one column wide). */
export function clip(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const s of line) {
    if (used >= width) break;
    const room = width - used;
    const text = [...s.text];
    if (text.length <= room) {
      out.push(s);
      used += text.length;
    } else {
      out.push({ ...s, text: text.slice(0, Math.max(0, room - 1)).join('') + '…' });
      used = width;
    }
  }
  return out;
}

export function pad(text: string, width: number): string {
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, Math.max(0, width - 1)).join('') + (width > 0 ? '…' : '');
  return text + ' '.repeat(width - chars.length);
}

export function padLeft(text: string, width: number): string {
  const chars = [...text];
  if (chars.length >= width) return text;
  return ' '.repeat(width - chars.length) + text;
}

/** `1,234,567` */
export function thousands(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A duration in the largest sensible unit: `850ms`, `12.5s`, `4m05s`, `2h03m`. */
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.abs(sec);
  const sign = sec < 0 ? '-' : '';
  if (s < 1) return `${sign}${Math.round(s * 1000)}ms`;
  if (s < 60) return `${sign}${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${sign}${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Offset from the capture start, with as many decimals as the zoom needs: `+12.35s`. */
export function offset(sec: number, resolution = 0.001): string {
  const decimals = resolution >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(resolution) - 1e-9));
  return `+${sec.toFixed(decimals)}s`;
}

/** Epoch seconds as UTC `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function utc(epochSec: number, withDate = true): string {
  const whole = Math.floor(epochSec);
  const micros = Math.round((epochSec - whole) * 1e6);
  const d = new Date(whole * 1000).toISOString();
  const frac = String(Math.min(micros, 999_999)).padStart(6, '0');
  return `${withDate ? d.slice(0, 10) + ' ' : ''}${d.slice(11, 19)}.${frac}`;
}

export function bytesHuman(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
