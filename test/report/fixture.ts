/** A hand-built AnalysisReport: one healthy link, one port without a partner, findings of every severity. */
import type { AnalysisReport, PortReport, TimelineEntry } from '../../src/analyze/model.js';
import type { PortInfo, StateFlag } from '../../src/decode/pdu.js';

const FLAGS: StateFlag[] = ['activity', 'timeout', 'aggregation', 'synchronization', 'collecting', 'distributing', 'defaulted', 'expired'];

export function info(system: string, port: number, key: number, state: number): PortInfo {
  return { systemPriority: 32768, system, key, portPriority: 32768, port, state, flags: FLAGS.filter((_, i) => state & (1 << i)) };
}

const NULL_PARTNER = info('00:00:00:00:00:00', 0, 0, 0);

function entry(time: string, frame: number, actor: PortInfo, partner: PortInfo, changes: string[], source = 'eth0.pcap'): TimelineEntry {
  return { time, frame, source, actor, partner, rxState: 'current', muxState: actor.state & 0x20 ? 'collecting-distributing' : 'detached', changes };
}

function port(over: Partial<PortReport> & Pick<PortReport, 'id' | 'system' | 'port' | 'key' | 'timeline'>): PortReport {
  return {
    systemPriority: 32768,
    interfaces: ['eth0'],
    firstSeen: '1700000000.000000000',
    lastSeen: '1700000060.000000000',
    pdus: 3,
    peer: null,
    bundled: false,
    intervalMedian: 30,
    intervalMax: 30.5,
    requestedRate: 'slow',
    rxState: 'current',
    muxState: 'detached',
    stack: 'unknown',
    ...over,
  };
}

export function sampleReport(): AnalysisReport {
  const a = info('02:aa:00:00:00:01', 1, 17, 0x3d);
  const b = info('02:bb:00:00:00:02', 5, 33, 0x3d);
  const c = info('02:cc:00:00:00:03', 7, 9, 0x47);
  return {
    sources: [
      { name: 'eth0.pcap', format: 'pcap', gzip: false, frames: 1000, slowFrames: 40, lacpdus: 38, malformed: 1, truncated: false, truncatedAt: null, snapCut: 0 },
      { name: 'eth1.pcapng', format: 'pcapng', gzip: true, frames: 20, slowFrames: 20, lacpdus: 20, malformed: 0, truncated: true, truncatedAt: 4242, snapCut: 0 },
    ],
    ports: [
      port({
        id: '02:aa:00:00:00:01/1', system: a.system, port: 1, key: 17, peer: '02:bb:00:00:00:02/5', bundled: true,
        rxState: 'current', muxState: 'collecting-distributing', stack: 'linux',
        timeline: [
          entry('1700000000.000000000', 3, info(a.system, 1, 17, 0x05), NULL_PARTNER, []),
          entry('1700000001.250000000', 9, a, b, ['actor.synchronization', 'actor.collecting', 'actor.distributing', 'partner.system']),
        ],
      }),
      port({
        id: '02:bb:00:00:00:02/5', system: b.system, port: 5, key: 33, peer: '02:aa:00:00:00:01/1', bundled: true,
        muxState: 'collecting-distributing', stack: 'openvswitch', interfaces: ['eth0'],
        timeline: [entry('1700000000.500000000', 4, b, a, [])],
      }),
      port({
        id: '02:cc:00:00:00:03/7', system: c.system, port: 7, key: 9, interfaces: ['eth1'], requestedRate: 'fast', intervalMedian: 1, intervalMax: 1.2, pdus: 20,
        rxState: 'defaulted', firstSeen: '1700000010.000000000', lastSeen: '1700000030.000000000',
        timeline: [entry('1700000010.000000000', 1, c, NULL_PARTNER, [], 'eth1.pcapng')],
      }),
    ],
    links: [{ ports: ['02:aa:00:00:00:01/1', '02:bb:00:00:00:02/5'], interface: 'eth0', interfaces: ['eth0'], bundled: true }],
    aggregations: [
      { system: a.system, key: 17, ports: ['02:aa:00:00:00:01/1'], partnerSystems: [b.system], partnerKeys: [33] },
      { system: b.system, key: 33, ports: ['02:bb:00:00:00:02/5'], partnerSystems: [a.system], partnerKeys: [17] },
      { system: c.system, key: 9, ports: ['02:cc:00:00:00:03/7'], partnerSystems: [], partnerKeys: [] },
    ],
    findings: [
      { code: 'ASYMMETRIC_RATE', severity: 'info', port: null, link: '02:aa:00:00:00:01/1 <-> 02:bb:00:00:00:02/5', time: '1700000001.250000000', until: '1700000001.250000000', frames: [9], message: 'The two ends ask for different rates; this is normal.', source: 'eth0.pcap' },
      { code: 'NO_PARTNER', severity: 'error', port: '02:cc:00:00:00:03/7', link: null, time: '1700000010.000000000', until: '1700000030.000000000', frames: [1, 2, 3], message: 'Port 7 sends LACP but hears no partner | check that LACP is enabled on the far end.', source: 'eth1.pcapng' },
      { code: 'TRUNCATED_CAPTURE', severity: 'warning', port: null, link: null, time: '1700000030.000000000', until: '1700000030.000000000', frames: [], message: 'eth1.pcapng ends mid-record at byte 4242.', source: 'eth1.pcapng' },
    ],
  };
}
