/*
 * `yarn demo-cluster --scenario <name>[,<name>...] [--port N] [--kubeconfig FILE] [--no-tls] [--faults]`
 *
 * Starts one demo cluster per scenario, writes a kubeconfig with a context
 * per cluster and serves until SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve as resolvePath } from 'node:path';
import {
  DemoCluster,
  KubeconfigCluster,
  startDemoCluster,
  writeKubeconfig,
} from './DemoCluster';
import { AccessRule, DemoUser } from './apiserver/authorization';
import { scenarios } from './scenarios';

const list = (value: string) => value.split(',').filter(Boolean);

/** The `--limited-*` flags as the one limited user they describe. */
function limitedUser(options: CliOptions): DemoUser | undefined {
  if (!options.limitedToken) return undefined;
  const rule: AccessRule = {
    verbs: options.limitedVerbs ?? ['get', 'list', 'watch'],
    ...(options.limitedNamespaces && {
      namespaces: options.limitedNamespaces,
    }),
  };
  return { token: options.limitedToken, username: 'limited', rules: [rule] };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(
      'expected a port number (0 picks a free one)',
    );
  }
  return port;
}

interface CliOptions {
  scenario: string[];
  port: number;
  host: string;
  kubeconfig?: string;
  token?: string;
  tls?: boolean;
  faults?: boolean;
  readyDelayMs?: number;
  limitedToken?: string;
  limitedVerbs?: string[];
  limitedNamespaces?: string[];
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('demo-cluster')
    .description(
      'A local Kubernetes API with simulated service-mesh controllers.',
    )
    .option(
      '--scenario <names>',
      `scenarios to run, one cluster each (comma-separated or repeated): ${Object.keys(
        scenarios,
      ).join(', ')}`,
      (value: string, previous: string[] = []) => [
        ...previous,
        ...value.split(',').filter(Boolean),
      ],
    )
    .option(
      '--port <port>',
      'port of the first cluster; the next ones use the following ports (0 = random)',
      parsePort,
      0,
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--kubeconfig <file>',
      'write a kubeconfig for the clusters here (relative to the repository root under yarn)',
    )
    .option('--token <token>', 'bearer token to accept (random by default)')
    // kubectl sends bearer tokens only over TLS, so HTTPS is the default.
    .option(
      '--limited-token <token>',
      'also accept this token as user "limited", with only the rights below (403 beyond them)',
    )
    .option(
      '--limited-verbs <verbs>',
      'verbs the limited token may use, comma-separated (default get,list,watch: read-only)',
      list,
    )
    .option(
      '--limited-namespaces <names>',
      'namespaces the limited token may act in, comma-separated (default every namespace and cluster-scoped types)',
      list,
    )
    .option('--tls', 'serve HTTPS with a self-signed certificate (default)')
    .option('--no-tls', 'serve plain HTTP (kubectl then sends no token)')
    .option('--faults', 'serve the fault admin API under /demo-cluster/faults')
    .option(
      '--ready-delay-ms <ms>',
      'how long pods take to become Ready',
      Number,
    )
    .parse(argv);
  const options = program.opts<CliOptions>();
  const names = options.scenario?.length ? options.scenario : ['ossm2'];
  const unknown = names.filter(name => !scenarios[name]);
  if (unknown.length > 0) {
    program.error(
      `unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(
        scenarios,
      ).join(', ')}`,
    );
  }

  const limited = limitedUser(options);
  const stoppers: Array<() => void> = [];
  const clusters: Array<{ name: string; cluster: DemoCluster }> = [];
  const shutdown = async () => {
    stoppers.forEach(stop => stop());
    await Promise.all(clusters.map(({ cluster }) => cluster.close()));
  };

  try {
    for (const [index, name] of names.entries()) {
      const cluster = await startDemoCluster({
        port: options.port === 0 ? 0 : options.port + index,
        host: options.host,
        tls: options.tls ?? true,
        token: options.token,
        users: limited && [limited],
        faults: options.faults,
        setup: async (api, faults) => {
          stoppers.push(
            await scenarios[name].setup(api, {
              faults,
              readyDelayMs: options.readyDelayMs,
            }),
          );
        },
      });
      clusters.push({ name, cluster });
    }
  } catch (error) {
    await shutdown();
    throw error;
  }

  const entries: KubeconfigCluster[] = clusters.flatMap(({ name, cluster }) => [
    {
      contextName: `demo-${name}`,
      url: cluster.url,
      token: cluster.token,
      caData: cluster.caData,
    },
    // The limited token as a context of its own: `--context demo-ossm2-limited`.
    ...(limited
      ? [
          {
            contextName: `demo-${name}-limited`,
            url: cluster.url,
            token: limited.token,
            caData: cluster.caData,
          },
        ]
      : []),
  ]);
  for (const { name, cluster } of clusters) {
    process.stdout.write(
      `demo-cluster: scenario ${name} (${scenarios[name].description}) ready at ${cluster.url}\n`,
    );
  }
  if (options.kubeconfig) {
    // Yarn runs the script in this package's directory whatever the caller's
    // directory was, so a relative path is taken from the repository root,
    // where `yarn demo-cluster` is documented to run.
    const file = resolvePath(
      (process.env.npm_lifecycle_event === 'demo-cluster' &&
        process.env.PROJECT_CWD) ||
        process.cwd(),
      options.kubeconfig,
    );
    await writeKubeconfig(file, entries);
    process.stdout.write(
      `demo-cluster: kubeconfig written to ${file} (contexts: ${entries
        .map(entry => entry.contextName)
        .join(', ')})\n  export KUBECONFIG=${file}\n`,
    );
  } else {
    process.stdout.write(
      `demo-cluster: token ${entries[0].token} (use --kubeconfig FILE to write a kubeconfig)\n`,
    );
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`demo-cluster: ${signal}, shutting down\n`);
    shutdown().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`demo-cluster: ${error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main(process.argv).catch(error => {
  process.stderr.write(`demo-cluster: ${error?.stack ?? error}\n`);
  process.exit(1);
});
