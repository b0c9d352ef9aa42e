/**
 * Readers for the verdicts real LACP implementations printed beside each lab capture:
 * Open vSwitch's `ovs-appctl lacp/show` and `lacp/show-stats`, and Linux's /proc/net/bonding/bond0.
 * Each member becomes the same shape, so the tests compare the analyzer with either the same way.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Rx = 'current' | 'expired' | 'defaulted';

/** One bond member as its own implementation sees it at the end of the scenario. */
export interface MemberVerdict {
  implementation: 'openvswitch' | 'linux';
  /** Switch (OVS: A, B) or `linux`. */
  owner: string;
  bond: string;
  member: string;
  /** The port id the analyzer uses: actor system / actor port. */
  port: string;
  system: string;
  rx: Rx;
  /** OVS: `attached`; Linux: in the active aggregator. */
  attached: boolean;
  actorState: number;
  /** Partner port id as recorded, or null for the all-zero (default) partner. */
  partner: string | null;
  partnerState: number;
  /** LACPDUs sent, when the implementation counts them (OVS lacp/show-stats). */
  txPdus: number | null;
  /**
   * Trouble the implementation counted during the run: OVS `Link Expired` + `Link Defaulted` +
   * `Carrier Status Changed`, Linux `Link Failure Count`.
   */
  incidents: number;
}

/** The short verdicts the lab scripts wrote into scenario.json (their own parse of the same files). */
export interface ScenarioJsonVerdicts {
  openvswitch?: { switch: string; bond: string; members: { name: string; rx: string; attached: boolean }[] }[];
  linux?: { slaves: { name: string; actorState: number; partnerMac: string }[] };
}

export interface Scenario {
  name: string;
  dir: string;
  expectedFindings: string[];
  summary: ScenarioJsonVerdicts;
  members: MemberVerdict[];
  /** Per-interface captures (`<if>.pcap`) and the multi-interface pcapng. */
  pcaps: string[];
  pcapng: string;
}

const NULL_SYSTEM = '00:00:00:00:00:00';

/** OVS state words (lib/lacp.c ds_put_lacp_state) to the state byte. */
const OVS_WORDS: Record<string, number> = {
  activity: 0x01,
  timeout: 0x02,
  aggregation: 0x04,
  synchronized: 0x08,
  collecting: 0x10,
  distributing: 0x20,
  defaulted: 0x40,
  expired: 0x80,
};

export const SYNC_COL_DIST = 0x08 | 0x10 | 0x20;

function ovsState(words: string): number {
  let s = 0;
  for (const w of words.trim().split(/\s+/)) {
    if (w === '') continue;
    const bit = OVS_WORDS[w];
    if (bit === undefined) throw new Error(`unknown OVS state word ${w}`);
    s |= bit;
  }
  return s;
}

function portId(system: string, port: number): string {
  return `${system}/${port}`;
}

export interface OvsStats {
  tx: number;
  incidents: number;
}

/** `ovs-appctl lacp/show-stats` of every switch, keyed `switch/member`. */
export function parseOvsStats(text: string): Map<string, OvsStats> {
  const out = new Map<string, OvsStats>();
  let sw = '';
  let cur: OvsStats = { tx: 0, incidents: 0 };
  for (const line of text.split('\n')) {
    let m = /^### switch (\S+)/.exec(line);
    if (m) sw = m[1];
    m = /^(?:member|slave): (\S+?):?$/.exec(line.trim());
    if (m) out.set(`${sw}/${m[1]}`, (cur = { tx: 0, incidents: 0 }));
    m = /^\s*TX PDUs: (\d+)/.exec(line);
    if (m) cur.tx = Number(m[1]);
    m = /^\s*(?:Link Expired|Link Defaulted|Carrier Status Changed): (\d+)/.exec(line);
    if (m) cur.incidents += Number(m[1]);
  }
  return out;
}

/** `ovs-appctl lacp/show` of every switch (sections `### switch X`). */
export function parseOvsLacpShow(text: string, stats: Map<string, OvsStats> = new Map()): MemberVerdict[] {
  const out: MemberVerdict[] = [];
  let sw = '';
  let bond = '';
  let cur: Partial<MemberVerdict> & { a?: Record<string, string>; p?: Record<string, string> } = {};
  const flush = () => {
    if (!cur.member || !cur.a || !cur.p) return;
    const a = cur.a;
    const p = cur.p;
    const partnerSystem = p.sys_id;
    out.push({
      implementation: 'openvswitch',
      owner: sw,
      bond,
      member: cur.member,
      port: portId(a.sys_id, Number(a.port_id)),
      system: a.sys_id,
      rx: cur.rx as Rx,
      attached: cur.attached ?? false,
      actorState: ovsState(a.state ?? ''),
      partner: partnerSystem === NULL_SYSTEM ? null : portId(partnerSystem, Number(p.port_id)),
      partnerState: ovsState(p.state ?? ''),
      txPdus: stats.get(`${sw}/${cur.member}`)?.tx ?? null,
      incidents: stats.get(`${sw}/${cur.member}`)?.incidents ?? 0,
    });
    cur = {};
  };
  for (const line of text.split('\n')) {
    let m = /^### switch (\S+)/.exec(line);
    if (m) {
      flush();
      sw = m[1];
      continue;
    }
    m = /^---- (\S+) ----$/.exec(line);
    if (m) {
      flush();
      bond = m[1];
      continue;
    }
    m = /^(?:member|slave): (\S+): (current|expired|defaulted) (attached|detached)$/.exec(line);
    if (m) {
      flush();
      cur = { member: m[1], rx: m[2] as Rx, attached: m[3] === 'attached', a: {}, p: {} };
      continue;
    }
    m = /^\s+(actor|partner) (sys_id|port_id|key|state):\s?(.*)$/.exec(line);
    if (m && cur.a && cur.p) (m[1] === 'actor' ? cur.a : cur.p)[m[2]] = m[3];
  }
  flush();
  return out;
}

/** /proc/net/bonding/bond0 of a Linux 802.3ad bond. */
export function parseProcBonding(text: string): MemberVerdict[] {
  const out: MemberVerdict[] = [];
  let activeAgg: string | null = null;
  let section: 'bond' | 'agg' | 'slave' = 'bond';
  let part: 'actor' | 'partner' | null = null;
  let slave: { name: string; agg?: string; failures: number; a: Record<string, string>; p: Record<string, string> } | null = null;
  const flush = () => {
    if (!slave) return;
    const a = slave.a;
    const p = slave.p;
    const actorState = Number(a['port state']);
    const system = a['system mac address'];
    out.push({
      implementation: 'linux',
      owner: 'linux',
      bond: 'bond0',
      member: slave.name,
      port: portId(system, Number(a['port number'])),
      system,
      rx: actorState & 0x40 ? 'defaulted' : actorState & 0x80 ? 'expired' : 'current',
      attached: activeAgg !== null && slave.agg === activeAgg,
      actorState,
      partner: p['system mac address'] === NULL_SYSTEM ? null : portId(p['system mac address'], Number(p['port number'])),
      partnerState: Number(p['port state']),
      txPdus: null,
      incidents: slave.failures,
    });
    slave = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('Active Aggregator Info:')) section = 'agg';
    let m = /^Slave Interface: (\S+)/.exec(line);
    if (m) {
      flush();
      section = 'slave';
      part = null;
      slave = { name: m[1], failures: 0, a: {}, p: {} };
      continue;
    }
    m = /^Link Failure Count: (\d+)/.exec(line);
    if (m && slave) slave.failures = Number(m[1]);
    m = /^\s*Aggregator ID: (\d+)/.exec(line);
    if (m) {
      if (section === 'agg') activeAgg = m[1];
      else if (slave) slave.agg = m[1];
      continue;
    }
    if (/^details actor lacp pdu:/.test(line)) part = 'actor';
    else if (/^details partner lacp pdu:/.test(line)) part = 'partner';
    m = /^\s+(system mac address|port key|oper key|port number|port state|system priority|port priority): (\S+)/.exec(line);
    if (m && slave && part) (part === 'actor' ? slave.a : slave.p)[m[1]] = m[2];
  }
  flush();
  return out;
}

/** Every scenario under captures/lab that has its verdicts. */
export function loadScenarios(labDir: string): Scenario[] {
  if (!existsSync(labDir)) return [];
  const out: Scenario[] = [];
  for (const name of readdirSync(labDir).sort()) {
    const dir = join(labDir, name);
    const meta = join(dir, 'scenario.json');
    if (!existsSync(meta)) continue;
    const json = JSON.parse(readFileSync(meta, 'utf8')) as { name: string; expectedFindings: string[]; verdicts: ScenarioJsonVerdicts };
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
    const members = [
      ...parseOvsLacpShow(read('ovs-lacp-show.txt'), parseOvsStats(read('ovs-lacp-stats.txt'))),
      ...parseProcBonding(read('linux-proc-bonding.txt')),
    ];
    const files = readdirSync(dir);
    out.push({
      name: json.name,
      dir,
      expectedFindings: json.expectedFindings,
      summary: json.verdicts,
      members,
      pcaps: files.filter((f) => f.endsWith('.pcap')).sort().map((f) => join(dir, f)),
      pcapng: join(dir, 'all.pcapng'),
    });
  }
  return out;
}

/** Bundled as the contract defines it, from one implementation's own view of both ends. */
export function verdictBundled(m: MemberVerdict): boolean {
  return m.rx === 'current' && m.partner !== null && (m.actorState & SYNC_COL_DIST) === SYNC_COL_DIST && (m.partnerState & SYNC_COL_DIST) === SYNC_COL_DIST;
}
