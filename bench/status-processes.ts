/*
 * The child processes of bench/status-vs-kubernetes.ts, as the parent sees
 * them: the clients (bench/status-clients.ts) and the backend
 * (bench/status-backend.ts), each answering its messages.
 */
import type { ChildProcess } from 'node:child_process';
import type { CallsDone, ClientRequest } from './status-clients';

/** The clients' process (bench/status-clients.ts): timed calls on request. */
export class ClientsProcess {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (done: CallsDone) => void; reject: (error: Error) => void }
  >();

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: any) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.type === 'calls-done') waiting.resolve(message);
      else waiting.reject(new Error(message.error));
    });
  }

  /** `calls` requests, `concurrency` at a time, timed in the clients' process. */
  calls(
    request: ClientRequest,
    calls: number,
    concurrency: number,
  ): Promise<CallsDone> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ type: 'calls', id, request, calls, concurrency });
    });
  }
}

/** The backend process: its messages, and requests for its counters. */
export class BackendProcess {
  readonly signals: { channel: string; at: number }[] = [];
  private waiting: Array<(stats: any) => void> = [];
  ready!: Promise<any>;

  constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (message: any) => {
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'signal') this.signals.push(message);
        else if (message.type === 'stats') {
          this.waiting.shift()?.(message);
        }
      });
      child.on('exit', code => reject(new Error(`backend exited ${code}`)));
    });
  }

  stats(): Promise<BackendStats> {
    return new Promise(resolve => {
      this.waiting.push(resolve);
      this.child.send({ type: 'stats' });
    });
  }
}

export interface BackendStats {
  cpu: NodeJS.CpuUsage;
  clusterRequests: number;
  catalogCalls: number;
  permissionCalls: number;
  minorGcMs: number;
  majorGcMs: number;
}
