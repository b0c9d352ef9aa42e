#!/usr/bin/env node
// Times lacpscope against tcpdump's own filter and tshark on the same large capture, in the same run.
//   node bench/run.mjs [--size MIB] [--runs N] [--tshark-size MIB] [--flat-size MIB] [--no-tshark] [--node PATH]
// --size        benchmark file size (default 1024 MiB: the "at least 1 GiB")
// --runs        timed runs per tool, interleaved, median reported (default 3; one untimed warm-up each)
// --tshark-size run tshark on a smaller file of the same mix and scale its time by the size ratio
//               (default: the full file; tshark takes tens of seconds per GiB)
// --flat-size   a second, smaller file lacpscope also reads, to show its peak memory is flat in size
// --node        the Node binary lacpscope runs under (default: the one running this script), e.g.
//               `--node "$(npx -y -p node@24 which node)"`
// Node's own start-up (`node -e 0`) is timed alongside: it is part of every lacpscope figure. On
// Node 20 a set NODE_EXTRA_CA_CERTS adds to it (the file is loaded at every start; Node 22 and
// later load it on first TLS use), which is why the line below names it when it is set.
// Files are generated (deterministically) under bench/data/, which git ignores. Needs the build
// (npm run build) and, for peak memory, GNU time (/usr/bin/time, Debian package `time`);
// without it peak RSS is shown as "n/a".
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const optText = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const opt = (name, fallback) => {
  const v = optText(name);
  return v === undefined ? fallback : Number(v);
};
const size = opt('size', 1024);
const runs = opt('runs', 3);
const flatSize = opt('flat-size', 64);
const tsharkSize = args.includes('--no-tshark') ? 0 : opt('tshark-size', size);

if (!existsSync(join(root, 'dist/capture/source.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

function capture(mib) {
  const path = join(root, 'bench/data', `mixed-${mib}.pcap`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    process.stderr.write(`bench: generating ${path} (${mib} MiB)\n`);
    const r = spawnSync(process.execPath, [join(root, 'bench/gen-capture.mjs'), path, String(mib)], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) process.exit(2);
  }
  return path;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const devNull = () => openSync('/dev/null', 'w');

/** Runs a command with stdout to /dev/null: wall seconds, CPU seconds and peak RSS (KiB) from GNU time, status. */
function run(cmd, argv) {
  const out = devNull();
  const full = gnuTime ? [gnuTime, ['-f', '%U %S %M', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { cwd: root, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(out);
  const lines = (r.stderr ?? '').trim().split('\n');
  const [user, sys, rss] = gnuTime ? (lines.at(-1) ?? '').split(' ').map(Number) : [NaN, NaN, NaN];
  return { wall, cpu: user + sys, rss, status: r.status, stderr: gnuTime ? lines.slice(0, -1).join('\n') : r.stderr };
}

const node = optText('node') ?? process.execPath;
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
if (!nodeVersion) {
  console.error(`bench: cannot run ${node}`);
  process.exit(2);
}
const cli = join(root, 'bin/lacpscope.js');
const cliWorks = (command) => existsSync(cli) && spawnSync(node, [cli, command, '--help'], { cwd: root, stdio: 'ignore' }).status === 0;

const file = capture(size);
const small = capture(flatSize);
const tsharkFile = tsharkSize > 0 ? capture(tsharkSize) : null;
const bytes = statSync(file).size;

/** Each tool: argv builder, exit statuses that count as success. */
const tools = [];
if (cliWorks('decode')) tools.push({ name: 'lacpscope decode', cmd: node, argv: (f) => [cli, 'decode', f], ok: [0] });
// The layers without the CLI: where the time goes.
tools.push({ name: 'capture + decode layers', cmd: node, argv: (f) => [join(root, 'bench/decode-only.mjs'), f], ok: [0] });
tools.push({ name: 'capture layer alone', cmd: node, argv: (f) => [join(root, 'bench/decode-only.mjs'), '--no-decode', f], ok: [0] });
// analyze exits 1 when it finds something at or above --fail-on; the benchmark file has a flap.
if (cliWorks('analyze')) tools.push({ name: 'lacpscope analyze', cmd: node, argv: (f) => [cli, 'analyze', f], ok: [0, 1] });
tools.push({ name: "tcpdump 'ether proto 0x8809'", cmd: 'tcpdump', argv: (f) => ['-r', f, '-w', '/dev/null', 'ether proto 0x8809'], ok: [0], reference: true });
// The fixed cost inside every lacpscope figure: Node starting and doing nothing.
tools.push({ name: 'node -e 0 (start-up alone)', cmd: node, argv: () => ['-e', '0'], ok: [0], startup: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One timed run; a failing tool stops the benchmark. */
function timed(tool, f) {
  const r = run(tool.cmd, tool.argv(f));
  if (!tool.ok.includes(r.status)) {
    console.error(`bench: ${tool.name} exited ${r.status}\n${r.stderr}`);
    process.exit(1);
  }
  return r;
}

// Warm-up (page cache, first-run costs), then the tools interleaved run by run, so that a change
// in machine load hits them alike.
const results = new Map(tools.map((t) => [t.name, { walls: [], cpus: [], rss: [] }]));
for (const t of tools) timed(t, file);
for (let i = 0; i < runs; i++) {
  for (const t of tools) {
    const r = timed(t, file);
    results.get(t.name).walls.push(r.wall);
    results.get(t.name).cpus.push(r.cpu);
    results.get(t.name).rss.push(r.rss);
  }
}

const fmtS = (s) => `${s.toFixed(3)} s`;
const fmtMiB = (kib) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a');
const ref = median(results.get(tools.find((t) => t.reference).name).walls);
const mib = bytes / 1048576;

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const caNote = process.env.NODE_EXTRA_CA_CERTS ? '; NODE_EXTRA_CA_CERTS is set' : '';
console.log(`file: ${file.slice(root.length + 1)}, ${mib.toFixed(0)} MiB; ${runs} interleaved runs after a warm-up; node ${nodeVersion}${caNote}; load average ${load()}`);
console.log('wall: median (and fastest) run; cpu: median user+sys; ratios from the medians');
console.log(`${'tool'.padEnd(30)} ${'wall'.padStart(8)} ${'(min)'.padStart(8)} ${'cpu'.padStart(8)} ${'MiB/s'.padStart(7)} ${'÷ tcpdump'.padStart(10)} ${'peak RSS'.padStart(11)}`);
const rows = [];
for (const t of tools) {
  const r = results.get(t.name);
  const wall = median(r.walls);
  rows.push({ name: t.name, wall, tool: t });
  console.log(
    `${t.name.padEnd(30)} ${wall.toFixed(3).padStart(8)} ${Math.min(...r.walls).toFixed(3).padStart(8)} ${median(r.cpus).toFixed(3).padStart(8)} ${(mib / wall).toFixed(0).padStart(7)} ${(wall / ref).toFixed(2).padStart(10)} ${fmtMiB(Math.max(...r.rss)).padStart(11)}`,
  );
}

if (tsharkFile) {
  const t = { name: 'tshark -Y slow', cmd: 'tshark', argv: (f) => ['-r', f, '-Y', 'slow'], ok: [0] };
  const r = timed(t, tsharkFile);
  const scale = bytes / statSync(tsharkFile).size;
  const wall = r.wall * scale;
  const note = scale === 1 ? '' : ` (measured ${fmtS(r.wall)} on ${tsharkSize} MiB, scaled ×${scale.toFixed(1)})`;
  console.log(
    `${t.name.padEnd(30)} ${wall.toFixed(3).padStart(8)} ${''.padStart(8)} ${(r.cpu * scale).toFixed(3).padStart(8)} ${(mib / wall).toFixed(0).padStart(7)} ${(wall / ref).toFixed(2).padStart(10)} ${fmtMiB(r.rss).padStart(11)}${note}`,
  );
  for (const row of rows.filter((x) => !x.tool.reference && !x.tool.startup)) {
    console.log(`  tshark ÷ ${row.name}: ${(wall / row.wall).toFixed(1)}×`);
  }
}

// Peak memory must not grow with the file: the same reader on a file 1/16 the size.
const first = tools[0];
timed(first, small);
const flat = timed(first, small);
console.log(`${first.name} on ${flatSize} MiB: peak RSS ${fmtMiB(flat.rss)} (vs ${fmtMiB(Math.max(...results.get(first.name).rss))} on ${mib.toFixed(0)} MiB)`);
