// Prints the run's figures, each beside its baseline as a ratio, and the issue's targets.
import { preciseRatio, ratio, round } from './lib/stats.mjs';

const ms = (value) => `${round(value, 1)} ms`;
const perSecond = (value) => `${round(value, value < 100 ? 1 : 0)}/s`;
const verdict = (met) => (met ? 'MET' : 'NOT MET');

/** Database round trips over the throughput window, per event delivered to all its subscriptions. */
function databaseLines({ databaseCommands: commands, documentsScanned, deliveredInWindow, subscriptions, windowSeconds }) {
  if (!commands) return [];
  const events = deliveredInWindow / subscriptions;
  const total = Object.values(commands).reduce((sum, count) => sum + count, 0);
  const perEvent = Object.entries(commands).sort((a, b) => b[1] - a[1]).map(([command, count]) => `${command} ${round(count / events, 1)}`);
  const scans = documentsScanned === null || documentsScanned === undefined ? '' : `; documents read for queries ${round(documentsScanned / events, 1)} per event`;
  return [`  database: ${perSecond(total / windowSeconds)} commands; per event (${subscriptions} deliveries): ${round(total / events, 1)} = ${perEvent.join(', ')}${scans}`];
}

function deliveryLines({ ceiling, warmUp, throughput: t, naive, latencySustainable, latency200, latency1000 }) {
  const lines = [
    `ceiling (undici keep-alive POST loop, 50 in flight):  ${perSecond(ceiling.perSecond)}  (${ceiling.requests} requests)`,
    `delivery throughput (${t.subscriptions} subscriptions per event, ${round(t.windowSeconds, 0)} s sustained):`,
    `  deliveries ${perSecond(t.deliveriesPerSecond)} = ${ratio(t.deliveriesPerSecond, ceiling.perSecond)} of the ceiling; events fully delivered ${perSecond(t.eventsPerSecond)}`,
    `  ingested ${perSecond(t.ingestPerSecond)} (${t.ingested} events, ${t.failedIngests} ingest errors, ${t.concurrency} in flight); ${t.delivered}/${t.expected} deliveries arrived, the backlog drained in ${round(t.drainSeconds, 1)} s`,
    `  CPU over the window (of one core): server ${round(t.cpuPercent.server, 0)} %, database ${round(t.cpuPercent.db, 0)} %, bench+receiver ${round(t.cpuPercent.bench, 0)} %`,
    ...databaseLines(t),
    ...(warmUp?.windows
      ? [`  after an untimed warm-up of ${warmUp.windows.length} × ${warmUp.windowSeconds} s windows (${warmUp.windows.map((value) => perSecond(value)).join(', ')}; ${warmUp.settled ? `settled: the last within ${round(warmUp.settledWithin * 100, 0)} % of the one before` : 'NOT settled at the limit'}); cold, the first window was ${ratio(warmUp.windows[0], ceiling.perSecond)} of the ceiling`]
      : []),
    `naive baseline (a default Agenda job per delivery): ${perSecond(naive.perSecond)} (${naive.delivered}/${naive.jobs} in ${round(naive.seconds, 1)} s, ${naive.failures} failed jobs); engine = ${ratio(t.deliveriesPerSecond, naive.perSecond)} naive`,
  ];
  for (const l of [latencySustainable, latency200, latency1000].filter(Boolean)) {
    lines.push(
      `latency ingest→receipt at ${l.rate}/s (offered ${perSecond(l.offeredPerSecond)}; of ${l.events} events ${l.shed} shed at 64 open requests, ${l.failedIngests} ingest errors, ${l.delivered} delivered): ` +
        `p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`,
    );
  }
  return lines;
}

/** Where the server's resident memory is: V8's heap by space (used/committed), buffers outside it, and the rest (native). */
function memoryLine(label, m) {
  const space = (name) => (m.spaces?.[name] ? `${name.replace('_space', '')} ${round(m.spaces[name].usedMb)}/${round(m.spaces[name].sizeMb)}` : null);
  const spaces = ['new_space', 'old_space', 'code_space', 'large_object_space'].map(space).filter(Boolean).join(', ');
  const native = m.rssMb - m.heapTotalMb - (m.externalMb ?? 0);
  return `server memory ${label} RSS ${round(m.rssMb)} MB = JS heap ${round(m.heapUsedMb)} used/${round(m.heapTotalMb)} committed (${spaces}) + external ${round(m.externalMb ?? 0)} (array buffers ${round(m.arrayBuffersMb ?? 0)}) + native (binary, malloc, stacks) ${round(native)}`;
}

const sum = (counts) => Object.values(counts ?? {}).reduce((total, count) => total + count, 0);
const commandList = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([command, count]) => `${command} ${round(count, 3)}`).join(', ');

/** Commands per GET /bots beyond the page's own query: the guards' (rate limit, key reads), amortised. */
const API_GUARD_BUDGET = 0.05;

/**
 * What bounds GET /bots: the CPU one request cost each process, and what the page's own query
 * alone costs through the driver (client and database), scaled to the 0.2× target's rate.
 */
function apiBoundLines({ server, bare, roundTrip }) {
  if (server.serverCpuMicros === undefined) return [];
  const lines = [`  CPU per request (of one core): server ${round(server.serverCpuMicros, 0)} µs${server.dbCpuMicros === undefined ? '' : `, database ${round(server.dbCpuMicros, 0)} µs`}; bare Koa answers at ${round(1e6 / bare.perSecond, 0)} µs per request`];
  if (roundTrip) {
    const target = 0.2 * bare.perSecond;
    const cores = ((roundTrip.clientCpuMicros + roundTrip.dbCpuMicros) * target) / 1e6;
    lines.push(
      `  the page's query alone through the Node driver (10 in flight, no server): ${perSecond(roundTrip.perSecond)}, client ${round(roundTrip.clientCpuMicros, 0)} µs + database ${round(roundTrip.dbCpuMicros, 0)} µs of CPU per query;` +
        ` at 0.2× of bare Koa (${perSecond(target)}) that query alone would take ${round(cores, 2)} cores of this machine's 2, before HTTP, auth and the load generator (why the server lists bots from its BOT_LIST_CACHE_MS cache)`,
    );
  }
  return lines;
}

function apiLines({ api, memoryBefore: before, memoryWarm: warm, memoryUnderLoad: loaded, memoryAfter: after }) {
  return [
    `API GET /api/v1/bots (10 connections): ${perSecond(api.server.perSecond)}, p50 ${ms(api.server.p50)}, p99 ${ms(api.server.p99)}, ${api.server.failed} failed` +
      (api.backlog ? ` (started after ${round(api.backlog.waitedSeconds, 1)} s waiting for earlier phases' deliveries, ${api.backlog.open} still open)` : ''),
    ...(api.server.databaseCommandsPerRequest
      ? [
          `  database commands per request: ${round(sum(api.server.databaseCommandsPerRequest), 3)} less the server's background work (${commandList(api.server.databaseCommandsPerRequest)}; ` +
            `the split is approximate, background polls slow down under load); ${round(sum(api.server.databaseCommandsPerRequestRaw), 3)} with it (${round(sum(api.server.backgroundCommandsPerSecond), 1)}/s idle: ${commandList(api.server.backgroundCommandsPerSecond)})`,
        ]
      : []),
    `  bare Koa handler:                     ${perSecond(api.bare.perSecond)}, p50 ${ms(api.bare.p50)}, p99 ${ms(api.bare.p99)}; server = ${ratio(api.server.perSecond, api.bare.perSecond)} of bare Koa req/s, p99 ${ratio(api.server.p99, api.bare.p99)}`,
    ...apiBoundLines(api),
    memoryLine('before:', before),
    ...(warm ? [memoryLine('after the warm-up:', warm) + ` (RSS ${ratio(warm.rssMb, before.rssMb)} of before)`] : []),
    ...(loaded ? [memoryLine('at the end of the load:', loaded) + ` (RSS ${ratio(loaded.rssMb, before.rssMb)} of before)`] : []),
    memoryLine(after.settledAfterSeconds === undefined ? 'after: ' : `after, idle ${round(after.settledAfterSeconds, 0)} s${after.settled ? '' : ' (still falling)'}:`, after) +
      ` (RSS ${ratio(after.rssMb, before.rssMb)}${warm ? `; ${ratio(after.rssMb, warm.rssMb)} of after the warm-up` : ''})`,
  ];
}

/** The fairness phase's lines (also printed by `node bench/fairness.mjs` on its own). */
export function fairnessLines(f) {
  if (!f) return [];
  const commands = (r) => (r.commandsPerEvent === null ? '' : `; ${round(r.commandsPerEvent, 1)} database commands per event`);
  const line = (name, r) => `  ${name}: ${perSecond(r.perSecond)} (windows ${r.perWindow.map(perSecond).join(', ')}; ${r.delivered} delivered of ${r.ingested} events in ${round(r.windowSeconds, 0)} s, ${r.failedIngests} ingest errors${commands(r)})`;
  return [
    `fairness: a healthy endpoint, 8 closed ingest loops, alone (A) and beside an endpoint on the same events whose receiver never answers (B, 10 s timeout), windows in the order ${f.order.map((w) => w.kind).join(' ')} (B after the silent one had been timing out for a while; A after it was deleted and its attempts had ended):`,
    `  started after ${round(f.settled.waitedSeconds, 1)} s waiting for earlier phases' backlog (${f.settled.open} deliveries still due or sending)`,
    `  windows in order: ${f.order.map((w) => `${w.kind} ${perSecond(w.perSecond)}`).join(', ')}`,
    line('alone (A)', f.alone),
    line('beside the silent one (B)', f.shared),
    `  healthy beside / alone = ${round(f.ratio, 2)} (each A B B A on its own: ${f.cycleRatios.map((r) => round(r, 2)).join(', ')}); before each A after B: ${f.waits.map((w) => `${round(w.seconds, 1)} s until quiet${w.silentOpen || w.backlogOpen ? ` (still open: ${w.silentOpen} silent attempts, ${w.backlogOpen} due or sending)` : ''}`).join(', ')}; the silent receiver got ${f.silent.requests} requests, at most ${f.silent.peakOpen} open at once`,
  ];
}

function queryLines({ queries: q }) {
  if (!q) return [];
  return [
    `database lookups after the run (${q.deliveries} deliveries, ${q.events} events stored): delivery by _id ${ms(q.byIdMs)}, a republished event's deliveries (eventId and subscriptionId, the unique index) ${ms(q.byEventAndSubscriptionMs)}; by eventId alone ${ms(q.byEventIdMs)} (the embedded planner uses no index for a key's prefix; no server query asks it)`,
    `database write rate (plain 200-byte inserts, 8 at a time, 5 s): ${perSecond(q.insertsPerSecond)}`,
  ];
}

/** Database commands per event fully delivered over the throughput window. */
function commandsPerEvent({ databaseCommands, deliveredInWindow, subscriptions }) {
  if (!databaseCommands || deliveredInWindow === 0) return null;
  return Object.values(databaseCommands).reduce((sum, count) => sum + count, 0) / (deliveredInWindow / subscriptions);
}

/** The targets of the scale issue (#13), each with MET / NOT MET and the figure behind it. */
function targetLines({ ceiling, throughput, latencySustainable: half, latency200, api, memoryBefore, memoryWarm, memoryUnderLoad, memoryAfter, fairness: f }) {
  const perEvent = commandsPerEvent(throughput);
  const apiCommands = api.server.databaseCommandsPerRequest ? Object.values(api.server.databaseCommandsPerRequest).reduce((sum, count) => sum + count, 0) : null;
  const below200 = throughput.eventsPerSecond > 200;
  const allDelivered = (l) => l.delivered === l.events - l.shed - l.failedIngests;
  return [
    `database commands per delivered event ≤ 1.5:   ${perEvent === null ? 'UNKNOWN' : verdict(perEvent <= 1.5)} (${perEvent === null ? 'not counted' : round(perEvent, 1)})`,
    `deliveries/s ≥ 0.25× the ceiling:               ${verdict(throughput.deliveriesPerSecond >= 0.25 * ceiling.perSecond)} (${preciseRatio(throughput.deliveriesPerSecond, ceiling.perSecond)})`,
    `p99 ingest→receipt < 100 ms at half capacity:   ${verdict(half.p99 < 100 && half.shed === 0 && allDelivered(half))} (${ms(half.p99)} at ${half.rate}/s, ${half.shed} shed)`,
    `p99 < 100 ms at 200 events/s:                   ${below200 ? verdict(latency200.p99 < 100 && latency200.shed === 0) : 'NOT APPLICABLE'} (${below200 ? ms(latency200.p99) : `200/s is above the ${round(throughput.eventsPerSecond, 0)}/s measured`})`,
    `GET /bots ≥ 0.2× bare Koa req/s:                ${verdict(api.server.perSecond >= 0.2 * api.bare.perSecond)} (${preciseRatio(api.server.perSecond, api.bare.perSecond)}` +
      (api.roundTrip && api.server.perSecond < 0.2 * api.bare.perSecond ? `; bound: the page's query alone costs ${round(api.roundTrip.clientCpuMicros + api.roundTrip.dbCpuMicros, 0)} µs of CPU per round trip here, ${round(((api.roundTrip.clientCpuMicros + api.roundTrip.dbCpuMicros) * 0.2 * api.bare.perSecond) / 1e6, 2)} cores at the target rate)` : ')'),
    `GET /bots ≤ 1 database round trip per request: ${apiCommands === null ? 'UNKNOWN' : verdict(apiCommands <= 1 + API_GUARD_BUDGET)} (${apiCommands === null ? 'not counted' : round(apiCommands, 3)} commands per request: the page's own query, and the rate limit's and key reads amortised to ≤ ${API_GUARD_BUDGET})`,
    `fairness ≥ 0.9 (healthy beside a 10 s one):     ${f ? verdict(f.ratio >= 0.9) : 'NOT MEASURED'} (${f ? `${round(f.ratio, 2)}: ${perSecond(f.shared.perSecond)} beside / ${perSecond(f.alone.perSecond)} alone; each A B B A ${f.cycleRatios.map((r) => round(r, 2)).join(', ')}` : 'no fairness phase'})`,
    `RSS after ≤ 1.3× before:                        ${verdict(memoryAfter.rssMb <= 1.3 * memoryBefore.rssMb)} (${round(memoryAfter.rssMb / memoryBefore.rssMb, 2)}× once idle after the load${memoryUnderLoad ? `, ${round(memoryUnderLoad.rssMb / memoryBefore.rssMb, 2)}× at its end` : ''}${memoryWarm ? `, ${round(memoryWarm.rssMb / memoryBefore.rssMb, 2)}× of it by the end of the warm-up and ${round(memoryAfter.rssMb / memoryWarm.rssMb, 2)}× over the rest` : ''}; JS heap committed ${ratio(memoryAfter.heapTotalMb, memoryBefore.heapTotalMb)}, native ${ratio(memoryAfter.rssMb - memoryAfter.heapTotalMb - (memoryAfter.externalMb ?? 0), memoryBefore.rssMb - memoryBefore.heapTotalMb - (memoryBefore.externalMb ?? 0))})`,
  ];
}

export function printReport(figures) {
  const load = (values) => values.map((value) => round(value, 2)).join(' ');
  const lines = [
    '',
    '=== NebulaHex benchmark ===',
    `${figures.quick ? 'QUICK smoke run (figures not comparable). ' : ''}database: ${figures.database}; load average before ${load(figures.loadBefore)}, after ${load(figures.loadAfter)}`,
    ...deliveryLines(figures),
    ...apiLines(figures),
    ...queryLines(figures),
    ...fairnessLines(figures.fairness),
    '--- targets ---',
    ...targetLines(figures),
  ];
  if (figures.profile) {
    lines.push('--- server CPU profile (share of samples) ---');
    for (const { group, percent } of figures.profile) lines.push(`  ${round(percent, 1).toString().padStart(5)} %  ${group}`);
  }
  if (figures.databaseProfile) {
    const { threads, activities, samples } = figures.databaseProfile;
    lines.push('--- database CPU during a profiled throughput run after the measured one (Java Flight Recorder) ---');
    lines.push(`  by thread: ${threads.map(({ what, percent }) => `${what} ${round(percent, 0)} %`).join(', ')}`);
    lines.push(`  by activity (${samples} samples): ${activities.map(({ what, percent }) => `${what} ${round(percent, 0)} %`).join(', ')}`);
  }
  console.log(lines.join('\n'));
}
