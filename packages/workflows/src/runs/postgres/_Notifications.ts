import type { Client, ClientConfig } from 'pg';

/** Someone interested in the store's notifications. */
export interface NotificationSubscriber {
  /** A run was appended to (by any process). */
  changed(runId: string): void;
  /**
   * The connection was lost and is back: notifications may have been missed meanwhile, so
   * look again at what may have changed.
   */
  resync(): void;
}

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * LISTEN on one dedicated connection per store, shared by all its followers (not one per
 * follower: a run server following a thousand runs holds one connection). Connects at the first
 * subscriber and hangs up after the last; when the connection drops it connects again (backing
 * off) and tells every subscriber to `resync`.
 */
export class Notifications {
  private readonly subscribers = new Set<NotificationSubscriber>();
  private client: Client | undefined;
  /** Resolves once LISTEN took effect on the current connection. */
  private listening: Promise<void> | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RECONNECT_FIRST_MS;
  /** Bumped at each hang-up: a connection opened for an earlier generation is dropped. */
  private generation = 0;

  constructor(
    private readonly connect: () => Promise<Client>,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Adds a subscriber and resolves once notifications flow (LISTEN done), so that whatever the
   * subscriber reads after this cannot miss a change. The returned function unsubscribes.
   */
  async subscribe(subscriber: NotificationSubscriber): Promise<() => void> {
    if (this.closed) throw new Error('the run store is closed');
    this.subscribers.add(subscriber);
    const unsubscribe = () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.hangUp();
    };
    try {
      await this.start();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  close(): Promise<void> {
    this.closed = true;
    const ended = this.hangUp();
    this.subscribers.clear();
    return ended;
  }

  private start(): Promise<void> {
    this.listening ??= this.open().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private async open(): Promise<void> {
    const generation = this.generation;
    const client = await this.connect();
    if (this.closed || this.subscribers.size === 0 || generation !== this.generation) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined) return;
      for (const subscriber of [...this.subscribers]) subscriber.changed(message.payload);
    });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = undefined;
      if (error !== undefined) this.onError(error);
      client.end().catch(() => undefined);
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    this.retryMs = RECONNECT_FIRST_MS;
  }

  private reconnect(): void {
    if (this.closed || this.subscribers.size === 0 || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start().then(
        () => {
          for (const subscriber of [...this.subscribers]) subscriber.resync();
        },
        (error: unknown) => {
          this.onError(error);
          this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
          this.reconnect();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private hangUp(): Promise<void> {
    this.generation++;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.listening = undefined;
    return client === undefined ? Promise.resolve() : client.end().catch(() => undefined);
  }
}

export type { ClientConfig };
