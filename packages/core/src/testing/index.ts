// Test helpers for code built on @tta-dev/core. Needs vitest.
export { describeMemoryBackend } from './describeMemoryBackend.js';
