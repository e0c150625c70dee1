import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Dotted paths of the properties in `schema` (nested ones too) that have no `type`. */
function untyped(schema: Record<string, unknown>, path = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([key, property]) => [
    ...(property.type === undefined ? [`${path}${key}`] : []),
    ...untyped(property, `${path}${key}.`),
    ...(typeof property.items === 'object' && property.items !== null
      ? untyped(property.items as Record<string, unknown>, `${path}${key}[].`)
      : []),
  ]);
}

describe("the gateway's own tools", () => {
  it('have input schemas that strict JSON Schema validators accept, with a type on every property', async () => {
    // No persona: the list is the gateway's own tools only.
    harness = await startHarness({});
    const { tools } = await harness.client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    for (const tool of tools) {
      expect(() => ajv.compile(tool.inputSchema), tool.name).not.toThrow();
      expect(untyped(tool.inputSchema), tool.name).toEqual([]);
    }
  });

  it('take any JSON value where the schema says so', async () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    harness = await startHarness({});
    const { tools } = await harness.client.listTools();
    const memoryAdd = tools.find((t) => t.name === 'memory_add')!;
    const valid = ajv.compile(memoryAdd.inputSchema);
    for (const value of ['text', 1, true, null, [1], { a: 1 }])
      expect(valid({ key: 'k', value }), JSON.stringify(value)).toBe(true);
  });
});
