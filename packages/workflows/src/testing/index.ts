// Test helpers for run stores built on @tta-dev/workflows: the contract suite every `RunStore`
// passes, for third-party stores to run too. Needs vitest.
export { describeRunStore, type RunStoreTestOptions } from './describeRunStore.js';
