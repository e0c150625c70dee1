import { describeRunStore } from '../testing/describeRunStore.js';
import { InMemoryRunStore } from './InMemoryRunStore.js';

describeRunStore('InMemoryRunStore', (options) => new InMemoryRunStore(options));
