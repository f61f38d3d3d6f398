import fs from 'fs';
import path from 'path';

/*
 * The shape of the domain's imports: one way (analysis, then warnings, then
 * status; no module back in a circle), and nothing that does I/O or speaks
 * HTTP errors, which belong to src/service and src/kubernetes.
 */

type ImportGraph = Map<string, string[]>;

/** Every specifier a file imports or re-exports, type-only ones included. */
function specifiersOf(source: string): string[] {
  const pattern =
    /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map(match => match[1]);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(file);
    }
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

function resolveRelative(
  from: string,
  specifier: string,
  files: Set<string>,
): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find(
    candidate => files.has(candidate),
  );
}

/** Files of `dir` and the files of `dir` each imports by relative path. */
function relativeImportGraph(dir: string): ImportGraph {
  const files = sourceFiles(dir);
  const known = new Set(files);
  return new Map(
    files.map(file => [
      file,
      specifiersOf(fs.readFileSync(file, 'utf8'))
        .filter(specifier => specifier.startsWith('.'))
        .map(specifier => resolveRelative(file, specifier, known))
        .filter((target): target is string => target !== undefined),
    ]),
  );
}

/**
 * Cycles found by depth-first search, each as the path that closes it: not
 * every cycle of a tangled graph, but at least one whenever there is one.
 */
function findCycles(graph: ImportGraph): string[][] {
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    const index = onPath.indexOf(node);
    if (index >= 0) {
      cycles.push([...onPath.slice(index), node]);
      return;
    }
    if (done.has(node)) {
      return;
    }
    onPath.push(node);
    for (const next of graph.get(node) ?? []) {
      visit(next);
    }
    onPath.pop();
    done.add(node);
  };
  [...graph.keys()].sort().forEach(visit);
  return cycles;
}

const domainDir = __dirname;
const relative = (file: string) => path.relative(domainDir, file);

describe('the import graph of src/domain', () => {
  it('has no cycles', () => {
    const cycles = findCycles(relativeImportGraph(domainDir));
    expect(cycles.map(cycle => cycle.map(relative).join(' -> '))).toEqual([]);
  });

  it('is read from every kind of import, and the search finds cycles', () => {
    expect(
      specifiersOf(`
        import type { A } from './a';
        import {
          B,
        } from "../b";
        export * from './c';
        import './d';
        const e = await import('./e');
      `),
    ).toEqual(['./a', '../b', './c', './d', './e']);
    const graph: ImportGraph = new Map([
      ['status', ['warnings', 'kube']],
      ['warnings', ['analysis']],
      ['analysis', ['status']],
      ['kube', []],
    ]);
    expect(findCycles(graph)).toEqual([
      ['analysis', 'status', 'warnings', 'analysis'],
    ]);
    graph.set('analysis', ['kube']);
    expect(findCycles(graph)).toEqual([]);
  });

  it('leads to no I/O and no HTTP errors outside tests and fixtures', () => {
    const forbidden = [
      '@backstage/errors',
      '@kubernetes/client-node',
      'knex',
      'fs',
      'http',
      'https',
      'net',
    ];
    const offending = sourceFiles(domainDir)
      .filter(
        file =>
          !/\.test\.tsx?$/.test(file) &&
          !file.includes(`${path.sep}__fixtures__${path.sep}`) &&
          path.basename(file) !== 'testUtils.ts',
      )
      .flatMap(file =>
        specifiersOf(fs.readFileSync(file, 'utf8'))
          .filter(specifier =>
            forbidden.includes(specifier.replace(/^node:/, '')),
          )
          .map(specifier => `${relative(file)} imports ${specifier}`),
      );
    expect(offending).toEqual([]);
  });
});
