#!/usr/bin/env node
// Reads captures and decodes every Slow Protocols frame, printing only counts: the capture and
// decode layers without the CLI, so that bench/run.mjs can show where the time goes.
//   node bench/decode-only.mjs [--no-decode] FILE...
// --no-decode: the capture layer alone (read, recognise, count, copy out the slow frames).
import { readCapture } from '../dist/capture/source.js';

const args = process.argv.slice(2);
const decode = !args.includes('--no-decode');
const { decodeFrame } = decode ? await import('../dist/decode/decode.js') : { decodeFrame: null };

for (const path of args.filter((a) => a !== '--no-decode')) {
  let decoded = 0;
  let problems = 0;
  const stats = await readCapture(path, (frame) => {
    decoded++;
    if (decodeFrame && decodeFrame(frame).pdu.problems.length > 0) problems++;
  });
  console.log(JSON.stringify({ ...stats, decoded, problems }));
}
