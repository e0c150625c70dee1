import { Memory } from '@tta-dev/core';
import { type RedisServer, startRedis } from '@tta-dev/testkit';
import { InMemoryRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemoryBackend } from '../../memory/RedisMemoryBackend.js';
import { type Harness, resultText, startHarness } from './gateway.testkit.js';

let redis: RedisServer;
const harnesses: Harness[] = [];
const backends: RedisMemoryBackend[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(backends.splice(0).map((b) => b.close()));
});
afterAll(async () => {
  await redis?.stop();
});

/** `count` memories on one Redis and prefix, each with its own connection: one per machine. */
async function machines(count: number): Promise<Memory[]> {
  const prefix = `{gateway-test-${++prefixes}}:`;
  const opened = await Promise.all(
    Array.from({ length: count }, () => RedisMemoryBackend.open({ url: redis.url, prefix })),
  );
  backends.push(...opened);
  return opened.map((backend) => new Memory({ backend }));
}

async function gatewayOn(memory: Memory, active: string): Promise<Harness> {
  const harness = await startHarness({}, { active, gateway: { memory } });
  harnesses.push(harness);
  return harness;
}

const call = async (h: Harness, name: string, args: Record<string, unknown>) => {
  const result = await h.client.callTool({ name, arguments: args });
  return { text: resultText(result), isError: result.isError === true };
};

describe('the memory tools of gateways on one shared memory', () => {
  it('two gateways (two sessions, two machines) on one Redis share what they store', async () => {
    const [one, two] = await machines(2);
    const a = await gatewayOn(one!, 'builder');
    const b = await gatewayOn(two!, 'reader');
    expect(
      await call(a, 'memory_add', {
        key: 'api-contract',
        value: { path: '/users' },
        tags: ['api'],
      }),
    ).toEqual({ text: 'stored "api-contract"', isError: false });
    expect(JSON.parse((await call(b, 'memory_get', { key: 'api-contract' })).text)).toEqual({
      key: 'api-contract',
      value: { path: '/users' },
    });
    // Tagged with the persona that wrote it, found by it from the other gateway.
    const hits = JSON.parse((await call(b, 'memory_search', { keywords: ['builder'] })).text);
    expect(hits.map((h: { key: string }) => h.key)).toEqual(['api-contract']);
    // In the gateway's own namespace of the shared memory.
    expect(await one!.namespace('gateway').get('api-contract')).toEqual({ path: '/users' });
  });

  it("a run's memory step and saveAs are read in run:<id> through another gateway", async () => {
    const [engineSide, gatewaySide] = await machines(2);
    const h = await gatewayOn(gatewaySide!, 'reader');
    const workflow = parseWorkflow(
      'shared.workflow.yaml',
      `name: shared
description: Leaves context for others.
stages:
  - id: plan
    title: Plan
    persona: backend
    steps:
      - id: version
        run: echo 2.0.0
        saveAs: version
      - id: note
        memory: { contract: "REST v\${{ steps.version.output.stdout }}" }
`,
      { registry: h.registry },
    );
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry: h.registry,
      cwd: h.project,
      env: { PATH: process.env.PATH },
      memory: engineSide!,
    });
    expect((await engine.start(workflow, {}, 'run-42')).status).toBe('completed');

    expect(
      JSON.parse((await call(h, 'memory_get', { key: 'contract', run: 'run-42' })).text),
    ).toEqual({ key: 'contract', value: 'REST v2.0.0' });
    const hits = JSON.parse(
      (await call(h, 'memory_search', { keywords: ['2.0.0'], run: 'run-42' })).text,
    );
    expect(hits.map((hit: { key: string }) => hit.key).sort()).toEqual(['contract', 'version']);
    // Without `run`: the gateway's own namespace, where the run wrote nothing.
    expect((await call(h, 'memory_get', { key: 'contract' })).isError).toBe(true);
    // Another run's memory is elsewhere.
    expect(await call(h, 'memory_get', { key: 'contract', run: 'run-43' })).toEqual({
      text: 'no memory under "contract" in run run-43',
      isError: true,
    });
  });

  it('refuses to write into a run, and a run argument that is no run id', async () => {
    const [memory] = await machines(1);
    const h = await gatewayOn(memory!, 'builder');
    const write = await call(h, 'memory_add', { key: 'k', value: 1, run: 'run-1' });
    expect(write.isError).toBe(true);
    expect(write.text).toMatch(/cannot write to a run's memory/);
    const bad = await call(h, 'memory_get', { key: 'k', run: '../gateway' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/"run" must be a run id/);
    expect(await memory!.keys()).toEqual([]);
  });
});
