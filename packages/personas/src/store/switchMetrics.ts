import { metrics } from '@opentelemetry/api';
import type { PersonaSwitch } from './PersonaConfig.js';

const SCOPE = '@tta-dev/personas';

/** Records a switch: `tta.persona.switches`, and `tta.persona.active_duration` of the persona left. */
export function recordSwitch(change: PersonaSwitch): void {
  const meter = metrics.getMeter(SCOPE);
  meter
    .createCounter('tta.persona.switches', {
      description: 'Persona switches, by previous and new persona',
    })
    .add(1, { 'tta.persona.from': change.from ?? 'none', 'tta.persona.to': change.to ?? 'none' });
  if (change.from !== null && change.previousDurationMs !== undefined) {
    meter
      .createHistogram('tta.persona.active_duration', {
        description: 'Time spent in a persona before switching away from it',
        unit: 's',
      })
      .record(change.previousDurationMs / 1000, { 'tta.persona': change.from });
  }
}
