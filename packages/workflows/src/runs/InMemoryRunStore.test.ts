import { InMemoryRunStore } from './InMemoryRunStore.js';
import { describeRunStore } from './runStore.testkit.js';

describeRunStore('InMemoryRunStore', (options) => new InMemoryRunStore(options));
