/** `lacpscope analyze FILE...`: the report as text, JSON or Markdown; exit 1 on findings at --fail-on. */
import type { AnalysisReport, Severity } from '../analyze/model.js';
import { ANALYZE_OPTIONS, COMMON_OPTIONS, FAIL_ON, INPUT_OPTIONS, analyzeHelp, checkDate, oneOf, parseCommand, type FailOn } from './args.js';
import { answeredInfo, checkInputs, colorWanted, usageError, type CliIo } from './io.js';
import { LineOutput } from './output.js';
import { analyzeInputs } from './pipeline.js';
import { parseThresholds, thresholdTable } from './thresholds.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** 1 when a finding is at or above the --fail-on level, else 0. */
export function exitCodeFor(report: AnalysisReport, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  return report.findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? 1 : 0;
}

export interface ReportRun {
  paths: string[];
  format: ReportFormat;
  failOn: FailOn;
  date: string | undefined;
  thresholds: ReturnType<typeof parseThresholds>;
  color: boolean;
}

/** The one renderer the format needs: start-up time counts when a large capture is timed against tcpdump. */
async function rendererFor(format: ReportFormat, color: boolean): Promise<(report: AnalysisReport) => string> {
  if (format === 'json') return (await import('../report/json.js')).renderJson;
  if (format === 'markdown') return (await import('../report/markdown.js')).renderMarkdown;
  const { renderText } = await import('../report/text.js');
  return (report) => renderText(report, { color });
}

/** Analyzes the inputs and prints the report; shared by `analyze` and the default command off a terminal. */
export async function printReport(run: ReportRun, io: CliIo): Promise<number> {
  const render = rendererFor(run.format, run.color);
  // A failed input rejects below; the renderer's promise must not be left unobserved then.
  render.catch(() => undefined);
  const { report } = await analyzeInputs(run.paths, { date: run.date, analyzer: run.thresholds ? { thresholds: run.thresholds } : undefined });
  const text = (await render)(report);
  const out = new LineOutput(io.stdout, () => undefined);
  out.line(text.replace(/\n$/, ''));
  await out.close();
  return exitCodeFor(report, run.failOn);
}

export async function analyzeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('analyze', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, ...INPUT_OPTIONS, ...ANALYZE_OPTIONS, format: { type: 'string', short: 'f' } },
  });
  if (answeredInfo(values, io, () => analyzeHelp(thresholdTable()))) return 0;
  const run: ReportRun = {
    paths: positionals,
    format: oneOf(values.format, REPORT_FORMATS, 'text', 'format', 'analyze'),
    failOn: oneOf(values['fail-on'], FAIL_ON, 'error', 'fail-on', 'analyze'),
    date: checkDate(values.date, 'analyze'),
    thresholds: parseThresholds(values.threshold, 'analyze'),
    color: colorWanted(io, values['no-color']),
  };
  if (positionals.length === 0) throw usageError('analyze needs at least one FILE (- for standard input)', 'analyze');
  checkInputs(positionals, io, 'analyze');
  return printReport(run, io);
}
