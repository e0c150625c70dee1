/** The persona that is active, as recorded when it was switched to. */
export interface ActivePersona {
  readonly name: string;
  readonly displayName: string;
  readonly icon: string;
  /** Where it was defined: `builtin` or a file path. */
  readonly source: string;
  /** ISO time of the switch. */
  readonly since: string;
  /** The run that switched to it, in a run's scope: a gateway skips the scope of a dead run. */
  readonly run?: PersonaHolder;
}

/** The run that holds a scope, and the stage it switched for. */
export interface PersonaHolder {
  readonly id: string;
  readonly stage: string;
  readonly pid: number;
  readonly host: string;
}

/** One switch, kept in the bounded history. */
export interface PersonaSwitch {
  /** Persona active before, or null. */
  readonly from: string | null;
  /** Persona active after, or null when it was cleared. */
  readonly to: string | null;
  /** ISO time of the switch. */
  readonly at: string;
  /** How long `from` had been active, in ms. */
  readonly previousDurationMs?: number;
}

/**
 * The contents of `config.json`. Other tools may keep their own keys in the same file; they are
 * preserved on every write.
 */
export interface PersonaConfig {
  readonly activePersona?: ActivePersona;
  readonly personaHistory?: readonly PersonaSwitch[];
  readonly [key: string]: unknown;
}
