/** Where the gateway reports what happens; the CLI writes it to stderr (stdout is the protocol). */
export type GatewayLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
