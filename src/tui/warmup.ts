/**
 * V8 compiles code lazily and optimises it only after use, so the first screens that show ports
 * take several times as long to draw as later ones (about 150 ms against 20 ms measured on a
 * loaded two-core machine): the first frames of a live capture would come late. Drawing a
 * made-up link once, off screen, before the live view opens, pays that cost early. It runs the
 * same path as a real frame: decode, analyzer, report, screen, Ink.
 */
import { createElement } from 'react';
import { renderToString } from 'ink';
import { createAnalyzer } from '../analyze/analyzer.js';
import { LINKTYPE } from '../capture/frame.js';
import { buildEthernetFrame, encodeLacpPayload, type PortFields } from '../decode/encode.js';
import { decodeFrame } from '../decode/decode.js';
import { App } from './components/App.js';
import type { Size } from './screen.js';
import { TuiStore } from './store.js';

/** Active, fast, aggregatable, in sync, collecting, distributing. */
const UP = 0x3f;
/** Active, fast, aggregatable, defaulted, expired: a port starting up. */
const STARTING = 0xc7;

function port(system: string, state: number): PortFields {
  return { systemPriority: 65534, system, key: 1, portPriority: 65535, port: 1, state };
}

/** Two ends of a link coming up, a PDU a second. */
function sampleFrames(startSec: number) {
  const [a, b] = ['02:00:00:00:00:0a', '02:00:00:00:00:0b'];
  const none = port('00:00:00:00:00:00', 0);
  const steps = [
    [port(a, STARTING), none, port(b, STARTING), none],
    [port(a, UP), port(b, UP), port(b, UP), port(a, UP)],
    [port(a, UP), port(b, UP), port(b, UP), port(a, UP)],
  ];
  return steps.flatMap(([actorA, partnerA, actorB, partnerB], i) =>
    [
      [actorA, partnerA],
      [actorB, partnerB],
    ].map(([actor, partner], j) => {
      const data = buildEthernetFrame({ src: actor.system, payload: encodeLacpPayload({ actor, partner }) });
      const index = 2 * i + j + 1;
      return decodeFrame({
        source: 'warm-up',
        interface: 'warm-up',
        index,
        timeNs: BigInt(startSec + i) * 1_000_000_000n + BigInt(j),
        linkType: LINKTYPE.ETHERNET,
        direction: null,
        capturedLength: data.length,
        originalLength: data.length,
        data,
      });
    }),
  );
}

/** Draws the made-up link off screen; returns the screen it drew. */
export function warmUp(size: Size, noColor: boolean): string {
  const store = new TuiStore({ analyzer: createAnalyzer() });
  for (const decoded of sampleFrames(Math.floor(Date.now() / 1000))) store.handle({ kind: 'frame', decoded });
  store.flush();
  const screen = renderToString(createElement(App, { store, title: 'warm-up', live: true, noColor, size, keyboard: false, onQuit: () => undefined }), {
    columns: size.columns,
  });
  store.dispose();
  return screen;
}
