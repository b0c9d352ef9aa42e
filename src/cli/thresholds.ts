/** `--threshold NAME=VALUE`: overrides of the analyzer's DEFAULT_THRESHOLDS table, checked by name. */
import { DEFAULT_THRESHOLDS, type AnalyzerOptions } from '../analyze/thresholds.js';
import { usageError } from './io.js';

type Thresholds = NonNullable<AnalyzerOptions['thresholds']>;

export function thresholdTable(): { name: string; value: number }[] {
  return Object.entries(DEFAULT_THRESHOLDS).map(([name, value]) => ({ name, value: Number(value) }));
}

export function parseThresholds(specs: readonly string[] | undefined, command?: string): Thresholds | undefined {
  if (!specs || specs.length === 0) return undefined;
  const known = new Set(Object.keys(DEFAULT_THRESHOLDS));
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const text = eq < 0 ? '' : spec.slice(eq + 1).trim();
    if (!known.has(name)) throw usageError(`unknown threshold '${name}'; known: ${[...known].join(', ')}`, command);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || value < 0) {
      throw usageError(`--threshold ${name} needs a number of zero or more, as ${name}=VALUE, not '${spec}'`, command);
    }
    out[name] = value;
  }
  return out as Thresholds;
}
