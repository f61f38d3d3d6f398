import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { generate as generateCertificate } from 'selfsigned';
import { stringify as stringifyYaml } from 'yaml';
import { DemoUser } from './apiserver/authorization';
import { ClusterStore } from './apiserver/ClusterStore';
import { Faults } from './apiserver/faults';
import { KubeApiServer } from './apiserver/httpServer';
import { ClusterApi } from './apiserver/types';

/** @public */
export interface DemoClusterOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Serve HTTPS with a fresh self-signed certificate. kubectl sends bearer
   * tokens only over TLS, so turn this on for kubectl.
   */
  tls?: boolean;
  /** The bearer token of the user who may do everything; random when omitted. */
  token?: string;
  /**
   * More users with their own tokens, e.g. `{ token, username: 'viewer',
   * rules: READ_ONLY_RULES }`; requests beyond their rules get 403 Forbidden.
   */
  users?: DemoUser[];
  /** Serve the fault admin API under /demo-cluster/faults. */
  faults?: boolean;
  /** Creates the scenario's objects and starts its controllers. */
  setup?: (api: ClusterApi, faults: Faults) => Promise<void> | void;
  /** How many changes watches can resume from; default 10,000. */
  historySize?: number;
  /** BOOKMARK interval for watches that allow them; default 1000 ms. */
  bookmarkIntervalMs?: number;
}

/** @public */
export interface DemoCluster {
  url: string;
  token: string;
  /** Base64 PEM of the self-signed certificate, as kubeconfig's certificate-authority-data, when TLS is on. */
  caData?: string;
  api: ClusterApi;
  /** The same object as `api`, with the store's extra methods (snapshot, watch, resourceVersion). */
  store: ClusterStore;
  faults: Faults;
  /** A kubeconfig object with one cluster, user and context named `contextName`. */
  kubeconfig(contextName: string): Kubeconfig;
  close(): Promise<void>;
}

/** One cluster as a kubeconfig entry. @public */
export interface KubeconfigCluster {
  contextName: string;
  url: string;
  token: string;
  caData?: string;
  namespace?: string;
}

/** @public */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: { token: string } }>;
  contexts: Array<{
    name: string;
    context: { cluster: string; user: string; namespace?: string };
  }>;
  'current-context': string;
  preferences: Record<string, never>;
}

/** The namespaces every real cluster starts with. */
const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * Builds a kubeconfig with a cluster, user and context per entry; the first
 * is the current context.
 *
 * @public
 */
export function buildKubeconfig(clusters: KubeconfigCluster[]): Kubeconfig {
  if (clusters.length === 0) {
    throw new Error('a kubeconfig needs at least one cluster');
  }
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map(c => ({
      name: c.contextName,
      cluster: {
        server: c.url,
        ...(c.caData && { 'certificate-authority-data': c.caData }),
        // @kubernetes/client-node refuses plain http:// unless TLS checks are
        // explicitly off; there is no TLS to verify anyway.
        ...(c.url.startsWith('http:') && { 'insecure-skip-tls-verify': true }),
      },
    })),
    users: clusters.map(c => ({
      name: c.contextName,
      user: { token: c.token },
    })),
    contexts: clusters.map(c => ({
      name: c.contextName,
      context: {
        cluster: c.contextName,
        user: c.contextName,
        namespace: c.namespace ?? 'default',
      },
    })),
    'current-context': clusters[0].contextName,
    preferences: {},
  };
}

/**
 * Writes a kubeconfig YAML file (mode 0600, as it holds tokens) for one or
 * more demo clusters.
 *
 * @public
 */
export async function writeKubeconfig(
  file: string,
  clusters: KubeconfigCluster[],
): Promise<void> {
  await fs.writeFile(file, stringifyYaml(buildKubeconfig(clusters)), {
    mode: 0o600,
  });
}

async function selfSignedCertificate(host: string) {
  const isIp = /^[\d.]+$|:/.test(host);
  const pems = await generateCertificate(
    [{ name: 'commonName', value: 'demo-cluster' }],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      extensions: [
        // A self-signed certificate doubles as its own CA for clients.
        { name: 'basicConstraints', cA: true, critical: true },
        {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          keyCertSign: true,
          critical: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            ...(isIp
              ? [{ type: 7 as const, ip: host }]
              : [{ type: 2 as const, value: host }]),
          ],
        },
      ],
    },
  );
  return { key: pems.private, cert: pems.cert };
}

/**
 * Starts a demo cluster: an in-memory Kubernetes API served over HTTP(S),
 * with `setup` creating a scenario and its controllers before it answers.
 *
 * @public
 */
export async function startDemoCluster(
  options: DemoClusterOptions = {},
): Promise<DemoCluster> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const store = new ClusterStore({ historySize: options.historySize });
  const faults = new Faults();

  for (const name of SYSTEM_NAMESPACES) {
    store.create(
      { group: '', plural: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    );
  }
  await options.setup?.(store, faults);

  const tls = options.tls ? await selfSignedCertificate(host) : undefined;
  const server = new KubeApiServer({
    store,
    faults,
    tokens: [token],
    users: options.users,
    faultsApi: options.faults ?? false,
    tls,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  const url = await server.listen(options.port ?? 0, host);
  const caData = tls && Buffer.from(tls.cert).toString('base64');

  return {
    url,
    token,
    caData,
    api: store,
    store,
    faults,
    kubeconfig: contextName =>
      buildKubeconfig([{ contextName, url, token, caData }]),
    close: () => server.close(),
  };
}
