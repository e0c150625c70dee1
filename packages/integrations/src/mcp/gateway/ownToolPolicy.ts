import {
  checkGatewayTool,
  needsApproval,
  type Persona,
  type PersonaRegistry,
} from '@tta-dev/personas';

export interface OwnToolContext {
  /** The active persona, if any. */
  readonly persona: Persona | undefined;
  readonly registry: PersonaRegistry;
  /** The personas that the current stages of the project's unfinished runs name. */
  readonly stagePersonas: () => Promise<ReadonlySet<string>>;
  /** Asks the person; absent when the client cannot ask. */
  readonly approve?: (message: string) => Promise<boolean>;
}

/**
 * Why the gateway's own tool `name` may not run now, if it may not: the persona's
 * `allowedTools.tta` and `requireApprovalFor` hold for these tools too, and a persona switch the
 * assistant asks for needs a person's yes unless a running workflow stage names the persona (the
 * assistant behind the gateway may be prompt-injected: it must not widen its own powers).
 */
export async function ownToolRefusal(
  name: string,
  args: Record<string, unknown>,
  context: OwnToolContext,
): Promise<string | undefined> {
  const { persona } = context;
  if (persona !== undefined) {
    const verdict = checkGatewayTool(persona, name);
    if (!verdict.allowed)
      return `refused: persona "${persona.name}" may not use ${name} (${verdict.rule})`;
  }
  const reasons: string[] = [];
  const rule = persona === undefined ? undefined : needsApproval(persona, name);
  if (rule !== undefined) reasons.push(`requireApprovalFor ${rule}`);
  let question = `Persona "${persona?.displayName ?? 'none'}" wants to run ${name} with ${JSON.stringify(args)}. Approve?`;
  if (name === 'persona_switch' && typeof args.persona === 'string') {
    const target = context.registry.resolve(args.persona)?.persona;
    if (target !== undefined && target.name !== persona?.name) {
      if (!(await context.stagePersonas()).has(target.name)) {
        reasons.push('no running workflow stage names it');
        question = `The assistant asks to switch from ${persona === undefined ? 'no persona' : `"${persona.displayName}"`} to "${target.displayName}" (servers: ${target.allowedServers.join(', ') || 'none'}). Allow?`;
      }
    }
  }
  if (reasons.length === 0) return undefined;
  const why = reasons.join('; ');
  if (context.approve === undefined)
    return `refused: ${name} needs a person's approval (${why}), and this client cannot ask for it${name === 'persona_switch' ? '; a person can switch with "tta-persona <name>"' : ''}`;
  if (!(await context.approve(question))) return `refused: ${name} was not approved`;
  return undefined;
}
