import { it } from 'vitest';
import { buildModel, renderScreen } from '../../src/tui/screen.js';
import { initialState, reduce, keyCommand } from '../../src/tui/state.js';
import { lineText } from '../../src/tui/text.js';
import { scenarioFrames, scenarioReport, snapshotOf } from './fixtures.js';
import { makeCtx } from '../../src/tui/screen.js';

it('prints', () => {
  const frames = scenarioFrames();
  const snap = snapshotOf(frames, scenarioReport(frames));
  for (const [cols, rows] of [[120, 40], [80, 24]] as const) {
    let ui = initialState();
    const size = { columns: cols, rows };
    const show = () => console.log(renderScreen(buildModel(snap, ui.filter, ui.findingsOrder), ui, size, { title: 'cap.pcap', live: false }).map(lineText).join('\n') + '\n' + '='.repeat(cols));
    const keys = (s: string[]) => { for (const k of s) { const c = k === '\r' ? keyCommand(ui, '', { return: true }) : keyCommand(ui, k, {}); if (c) ui = reduce(ui, c, makeCtx(buildModel(snap, ui.filter, ui.findingsOrder), ui, size, false)); } };
    show();
    keys(['3']); show();
    keys(['j', '\r']); show();
    keys(['\r']); show();
    keys(['j', 'j', 'j', 'j', 'j', 'j', 'j', 'j']); show();
    keys(['?']); show();
  }
});
