// A package release as primitives: every building block of @tta-dev/core in one runnable file.
// Run it with `node packages/core/examples/release-pipeline.mjs` from the repository root
// after `pnpm build`. Flags: --fail-coverage makes the coverage gate fail, --json prints
// the result as JSON.
import {
  cache,
  circuitBreaker,
  createContext,
  fallback,
  gate,
  isGateFailedError,
  parallel,
  retry,
  router,
  saga,
  sequence,
  step,
  timeout,
} from '@tta-dev/core';

const args = new Set(process.argv.slice(2));
const log = (line) => process.stderr.write(`${line}\n`);

// A registry that fails twice before it answers, as registries do.
let registryCalls = 0;
const fetchLatestVersion = step(
  async ({ pkg }) => {
    registryCalls += 1;
    if (registryCalls < 3) throw new Error(`registry unavailable (call ${registryCalls})`);
    return { pkg, latest: '1.4.2' };
  },
  { name: 'fetch latest version' },
);

const latestVersion = cache(
  circuitBreaker(
    retry(timeout(fetchLatestVersion, 1_000), {
      maxRetries: 3,
      backoff: 'exponential',
      initialDelayMs: 20,
      jitter: 'full',
    }),
    { failureThreshold: 5, halfOpenAfterMs: 30_000 },
  ),
  { key: ({ pkg }) => pkg, ttlMs: 60_000 },
);

const bump = step(
  ({ pkg, latest }, ctx) => {
    const [major, minor] = latest.split('.').map(Number);
    const next = `${major}.${minor + 1}.0`;
    ctx.checkpoint('version decided', { next });
    return { pkg, from: latest, version: next };
  },
  { name: 'bump minor version' },
);

// Independent checks run side by side; each gets its own child context.
const checks = parallel(
  step(async () => ({ tests: 128, failures: 0 }), { name: 'unit tests' }),
  step(async () => ({ coverage: args.has('--fail-coverage') ? 71.5 : 86.4 }), { name: 'coverage' }),
  step(async () => ({ lint: 'clean' }), { name: 'lint' }),
);

const release = sequence(
  latestVersion,
  bump,
  step(
    async (plan, ctx) => {
      const [tests, { coverage }] = await checks.run(plan, ctx);
      await ctx.memory.add('coverage', coverage, { tags: ['quality'] });
      return { ...plan, tests: tests.tests, coverage };
    },
    { name: 'checks' },
  ),
  gate('coverage ≥ 80%', ({ coverage }) => ({
    passed: coverage >= 80,
    reason: `line coverage ${coverage}% ${coverage >= 80 ? 'meets' : 'is below'} the 80% threshold`,
    metrics: { coverage, threshold: 80 },
  })),
  // Tag and publish as a saga: if publishing fails, the tag is removed again.
  saga([
    {
      name: 'tag',
      run: ({ version, ...rest }) => ({ ...rest, version, tag: `v${version}` }),
      compensate: ({ output }) => log(`  ↩ removed tag ${output.tag}`),
    },
    {
      name: 'publish',
      run: fallback(
        step(
          () => {
            throw new Error('primary registry rejected the upload');
          },
          { name: 'publish to primary registry' },
        ),
        [step((plan) => ({ ...plan, registry: 'mirror' }), { name: 'publish to mirror' })],
      ),
    },
  ]),
  // Release notes differ by kind of release.
  router(
    {
      major: step((r) => ({ ...r, notes: `Breaking changes in ${r.tag}` })),
      minor: step((r) => ({ ...r, notes: `New features in ${r.tag}` })),
      patch: step((r) => ({ ...r, notes: `Fixes in ${r.tag}` })),
    },
    (r) => (r.version.endsWith('.0.0') ? 'major' : r.version.endsWith('.0') ? 'minor' : 'patch'),
  ),
);

const ctx = createContext({ workflowId: 'package-release', persona: 'devops' });
ctx.on((event) =>
  log(
    `  · ${event.type}${event.primitive ? ` [${event.primitive}]` : ''} ${JSON.stringify(event.data ?? {})}`,
  ),
);

log('package-release: running');
try {
  const result = await release.run({ pkg: '@acme/widgets' }, ctx);
  const memory = await ctx.memory.search('quality');
  const summary = {
    ...result,
    memory,
    routes: ctx.state.routingHistory,
    checkpoints: ctx.checkpoints.map((c) => c.name),
  };
  if (args.has('--json')) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    log(
      `released ${result.pkg} ${result.from} → ${result.version} (${result.tag}) via ${result.registry}`,
    );
    log(`notes: ${result.notes}`);
    log(`registry calls: ${registryCalls}, cache: ${JSON.stringify(latestVersion.stats())}`);
  }
} catch (error) {
  if (!isGateFailedError(error)) throw error;
  log(`stopped at quality gate: ${error.message}`);
  if (args.has('--json'))
    process.stdout.write(
      `${JSON.stringify({ gate: error.gate, reason: error.reason, metrics: error.metrics })}\n`,
    );
  process.exitCode = 1;
}
