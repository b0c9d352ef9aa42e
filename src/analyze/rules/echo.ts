/** F7 ECHO_MISMATCH: what a port records about its partner differs from what the partner sends. */
import type { PortInfo } from '../../decode/pdu.js';
import { BIT, linkId } from '../bits.js';
import { type Rule, describe, evidence, isCurrent } from '../context.js';

const ECHO_BITS = BIT.activity | BIT.aggregation;

/** Allocation-free check of the fields `echoDifferences` lists. */
export function echoMatches(recorded: PortInfo, sent: PortInfo): boolean {
  return (
    recorded.systemPriority === sent.systemPriority &&
    recorded.key === sent.key &&
    recorded.portPriority === sent.portPriority &&
    ((recorded.state ^ sent.state) & ECHO_BITS) === 0
  );
}

/** Fields a receiver compares in update_selected/update_ntt (notes 2.3); the Timeout bit is F4's. */
export function echoDifferences(recorded: PortInfo, sent: PortInfo): string[] {
  const out: string[] = [];
  if (recorded.systemPriority !== sent.systemPriority) out.push(`system priority ${recorded.systemPriority} but it sends ${sent.systemPriority}`);
  if (recorded.key !== sent.key) out.push(`key ${recorded.key} but it sends key ${sent.key}`);
  if (recorded.portPriority !== sent.portPriority) out.push(`port priority ${recorded.portPriority} but it sends ${sent.portPriority}`);
  for (const [name, bit] of [['Activity', BIT.activity], ['Aggregation', BIT.aggregation]] as const) {
    if ((recorded.state & bit) !== (sent.state & bit)) {
      out.push(`${name} ${recorded.state & bit ? 'set' : 'clear'} but it sends ${name} ${sent.state & bit ? 'set' : 'clear'}`);
    }
  }
  return out;
}

export function echoMismatchRule(): Rule {
  const runs = new Map<string, { count: number; since: number; fields: string[] }>();
  return {
    onLacp(ctx, p, pdu, t, dup) {
      if (dup) return;
      const r = p.peerId === null ? undefined : ctx.ports.get(p.peerId);
      if (!r || !isCurrent(pdu) || echoMatches(pdu.partner, r.last.actor)) {
        runs.delete(p.id);
        return;
      }
      const diffs = echoDifferences(pdu.partner, r.last.actor);
      let run = runs.get(p.id);
      if (!run) runs.set(p.id, (run = { count: 0, since: t, fields: diffs }));
      run.count++;
      run.fields = diffs;
      if (run.count < ctx.th.echoMinPdus || t - run.since < ctx.th.echoMinSec) return;
      const fields = run.fields;
      ctx.log.episode(
        p.id,
        {
          code: 'ECHO_MISMATCH',
          severity: 'error',
          port: p.id,
          link: linkId(p.id, r.id),
          message: () =>
            `${describe(p)} records its partner ${describe(r)} with ${fields.join(', ')}: a stale or mismatched partner record ` +
            'blocks Synchronization; check that the partner\'s LACPDUs reach this port unaltered and that its configuration did not just change.',
        },
        evidence(pdu, t),
        ctx.th.episodeMergeSec,
      );
    },
  };
}
