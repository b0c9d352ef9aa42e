/**
 * `analyze --format json`: the AnalysisReport with every object's keys in the order CONTRACT.md
 * shows them, extension fields after, so the output reads like the contract's example whatever
 * order the analyzer built its objects in.
 */
import type { AnalysisReport } from '../analyze/model.js';

/** Contract key order per object kind; keys not listed keep their own order after these. */
export const CONTRACT_KEYS = {
  report: ['sources', 'ports', 'links', 'aggregations', 'findings'],
  source: ['name', 'format', 'frames', 'slowFrames', 'lacpdus', 'malformed', 'truncated'],
  port: ['id', 'system', 'systemPriority', 'port', 'key', 'interfaces', 'firstSeen', 'lastSeen', 'pdus', 'peer', 'bundled', 'intervalMedian', 'timeline'],
  timelineEntry: ['time', 'frame', 'actor', 'partner'],
  portInfo: ['systemPriority', 'system', 'key', 'portPriority', 'port', 'state', 'flags'],
  link: ['ports', 'interface', 'bundled'],
  aggregation: ['system', 'key', 'ports', 'partnerSystems', 'partnerKeys'],
  finding: ['code', 'severity', 'port', 'link', 'time', 'until', 'frames', 'message'],
} as const;

function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in src) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k];
  return out as T;
}

export function toContractOrder(report: AnalysisReport): AnalysisReport {
  return ordered(
    {
      ...report,
      sources: report.sources.map((s) => ordered(s, CONTRACT_KEYS.source)),
      ports: report.ports.map((p) =>
        ordered(
          {
            ...p,
            timeline: p.timeline.map((e) =>
              ordered(
                { ...e, actor: ordered(e.actor, CONTRACT_KEYS.portInfo), partner: ordered(e.partner, CONTRACT_KEYS.portInfo) },
                CONTRACT_KEYS.timelineEntry,
              ),
            ),
          },
          CONTRACT_KEYS.port,
        ),
      ),
      links: report.links.map((l) => ordered(l, CONTRACT_KEYS.link)),
      aggregations: report.aggregations.map((a) => ordered(a, CONTRACT_KEYS.aggregation)),
      findings: report.findings.map((f) => ordered(f, CONTRACT_KEYS.finding)),
    },
    CONTRACT_KEYS.report,
  );
}

/** The JSON document, indented for people, one trailing newline. */
export function renderJson(report: AnalysisReport): string {
  return `${JSON.stringify(toContractOrder(report), null, 2)}\n`;
}
