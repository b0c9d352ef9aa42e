#!/usr/bin/env node
// Reads captures and decodes every Slow Protocols frame, printing only counts: the capture and
// decode layers without the CLI, for comparing against `lacpscope decode` in bench/run.mjs.
//   node bench/decode-only.mjs FILE...
import { readCapture } from '../dist/capture/source.js';
import { decodeFrame } from '../dist/decode/decode.js';

for (const path of process.argv.slice(2)) {
  let decoded = 0;
  let problems = 0;
  const stats = await readCapture(path, (frame) => {
    decoded++;
    if (decodeFrame(frame).pdu.problems.length > 0) problems++;
  });
  console.log(JSON.stringify({ ...stats, decoded, problems }));
}
