/*
 * The clients of bench/status-vs-kubernetes.ts, in a process of their own,
 * as browsers are: sharing the event loop and the heap of the demo cluster
 * (10,001 pods) would add that process's pauses to every latency measured.
 *
 * The parent sends `calls`: that many requests, `concurrency` at a time,
 * each timed from its start to the last byte of its body. The answer is
 * calls-done (the times, the last body) or calls-failed.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ClientRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface CallsMessage {
  type: 'calls';
  id: number;
  request: ClientRequest;
  calls: number;
  concurrency: number;
}

export interface CallsDone {
  type: 'calls-done';
  id: number;
  /** Milliseconds per call, in the order they finished. */
  ms: number[];
  /** From the first call's start to the last call's end. */
  elapsedMs: number;
  body: string;
}

/**
 * Keep-alive connections, one per client at most, as a browser keeps its
 * connections to the backend. Node's own HTTP client, not fetch: a lean
 * client (as wrk or autocannon are) leaves the cores to the backend.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 10 });

function call(clientRequest: ClientRequest) {
  const start = performance.now();
  return new Promise<{ ms: number; body: Buffer }>((resolve, reject) => {
    const outgoing = request(
      clientRequest.url,
      {
        method: clientRequest.method,
        headers: clientRequest.headers,
        agent,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          if (response.statusCode !== 200) {
            reject(
              new Error(
                `${clientRequest.url} answered ${response.statusCode}: ${body}`,
              ),
            );
          } else {
            resolve({ ms: performance.now() - start, body });
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(clientRequest.body);
  });
}

async function runCalls(message: CallsMessage): Promise<CallsDone> {
  const ms: number[] = [];
  let next = 0;
  let last = Buffer.alloc(0);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: message.concurrency }, async () => {
      while (next < message.calls) {
        next += 1;
        const result = await call(message.request);
        ms.push(result.ms);
        last = result.body;
      }
    }),
  );
  return {
    type: 'calls-done',
    id: message.id,
    ms,
    elapsedMs: performance.now() - start,
    body: last.toString(),
  };
}

process.on('message', (message: CallsMessage) => {
  runCalls(message).then(
    done => process.send?.(done),
    error =>
      process.send?.({
        type: 'calls-failed',
        id: message.id,
        error: String(error),
      }),
  );
});
