import { PersonaRegistry } from '@tta-dev/personas';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import type { WorkflowDefinition } from '../definition/WorkflowSchema.js';
import type { RunStore } from '../runs/RunStore.js';
import { type EngineOptions, WorkflowEngine } from './WorkflowEngine.js';

/** What the engine's tests set up: the built-in personas, workflows parsed with them, engines. */
export interface EngineKit {
  /** The built-in personas alone (from a TTA home that does not exist). */
  readonly registry: PersonaRegistry;
  /** A workflow from its YAML text, its personas resolved by `registry`. */
  workflow(yaml: string): WorkflowDefinition;
  /** An engine on `store` with `registry`, its commands run in `/`, and `options` over that. */
  engine(store: RunStore, options?: Partial<EngineOptions>): WorkflowEngine;
}

/** The engine's test set-up: call once per test file (`const kit = await engineKit()`). */
export async function engineKit(): Promise<EngineKit> {
  const registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  return {
    registry,
    workflow: (yaml) => parseWorkflow('w.yaml', yaml, { registry }),
    engine: (store, options = {}) => new WorkflowEngine({ store, registry, cwd: '/', ...options }),
  };
}
