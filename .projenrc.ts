import { cdk8s, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-zero-trust',
  packageName: 'cdk8s-zero-trust',
  description: 'Zero-trust networking for Kubernetes with cdk8s: default-deny namespaces, Istio mTLS, secure ingress, WireGuard between clusters, observability, and a reachability analyzer.',
  author: 'cdk8s-zero-trust maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-174f43d2.example',
  repositoryUrl: 'https://github.com/maintainers/cdk8s-zero-trust.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'zero-trust', 'networkpolicy', 'istio', 'wireguard', 'kyverno', 'helm'],

  cdk8sVersion: '2.70.98',
  constructsVersion: '10.4.2',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '22.0.0', // Node 20 is end-of-life; CI runs the tests on 22 and 24 (scripts/fetch-node.js)

  // offline-friendly: no GitHub workflows, no release machinery, no automated upgrades
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  peerDeps: ['cdk8s-plus-27@^2.9.1'],
  devDeps: [
    'cdk8s-plus-27@2.9.1',
    'cdk8s-cli@2.207.60',
    'ajv@^8.17.1',
    'ajv-formats@^3.0.1',
    'fast-check@^3',
    '@types/js-yaml@^4',
    'yaml@^2.8.0',
  ],
  bundledDeps: ['js-yaml@^4.1.0'],

  bin: { 'cdk8s-zero-trust': 'lib/cli/main.js' },

  publishToPypi: { distName: 'cdk8s-zero-trust', module: 'cdk8s_zero_trust' },
  publishToMaven: { javaPackage: 'org.cdk8s.zerotrust', mavenGroupId: 'org.cdk8s', mavenArtifactId: 'cdk8s-zero-trust' },
  publishToNuget: { dotNetNamespace: 'Cdk8s.ZeroTrust', packageId: 'Cdk8s.ZeroTrust' },
  publishToGo: { moduleName: 'github.com/maintainers/cdk8s-zero-trust-go' },

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/', '<rootDir>/test/long/'], // test/long: `test:long`
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/', '/test/'],
      // test speed (issue 24): compiled schema validators shared by a worker's test files; one worker per core
      testEnvironment: '<rootDir>/test/util/worker-environment.js',
      maxWorkers: '100%',
    },
  },
  tsconfigDev: {
    compilerOptions: { rootDir: '..' },
    include: ['../src/**/*.ts', '../sample/**/*.ts', '../bench/**/*.ts'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'sample', 'bench', 'scripts'],
    ignorePatterns: ['src/imports/', 'lib/', 'dist/', '*.d.ts', '*.js', 'node_modules/'],
    commandOptions: { fix: false }, // `npm test` reports lint errors and fails; it never rewrites files
  },
  gitignore: ['/dist/', '/.cache/', '/bench/out/'],
});

// --- packaging (issue 27) ---------------------------------------------------------
// the tarball: compiled library, jsii assembly, the CRDs the library itself defines, docs
// (scripts/check-package.js checks the packed tarball in CI)
project.package.addField('files', ['lib/', '.jsii', 'crds/cdk8s-zero-trust/', 'API.md', 'README.md', 'LICENSE', 'CHANGELOG.md']);
project.package.addVersion('0.1.0'); // keep in step with CHANGELOG.md

// --- layering (ARCHITECTURE.md) ---------------------------------------------------
// What each folder of src/ may import besides itself; anything else is an error.
// Nothing imports helm, rollout or cli; construct folders never import fleet or gitops.
const CONSTRUCT_FOLDERS = ['zero-trust', 'mesh', 'ingress', 'wireguard', 'observability'];
const LAYERS: { [folder: string]: string[] } = {
  'core': [],
  'analysis': ['core'],
  'flows': ['core', 'analysis'],
  'zero-trust': ['core', 'flows', 'imports'],
  'mesh': ['core', 'flows', 'imports'],
  'ingress': ['core', 'flows', 'imports'],
  'wireguard': ['core', 'flows', 'imports'],
  'observability': ['core', 'flows', 'imports'],
  'fleet': ['core', 'flows', 'imports', ...CONSTRUCT_FOLDERS],
  'gitops': ['core', 'flows', 'imports', 'fleet'],
  'helm': ['core'],
  'rollout': ['core', 'flows', 'analysis'],
  'observe': ['core', 'analysis'],
  'cli': ['core', 'analysis', 'observe'],
};
const FOLDERS = Object.keys(LAYERS);
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      ...FOLDERS.map((folder) => ({
        target: `./src/${folder}`,
        from: './src',
        except: [`./${folder}`, ...LAYERS[folder].map((f) => `./${f}`)],
        message: `src/${folder} may import only ${[folder, ...LAYERS[folder]].join(', ')} (ARCHITECTURE.md)`,
      })),
      // a folder's internal.ts is for that folder only
      ...FOLDERS.map((folder) => ({
        target: FOLDERS.filter((f) => f !== folder).map((f) => `./src/${f}`),
        from: `./src/${folder}/internal.ts`,
        message: `src/${folder}/internal.ts is private to src/${folder} (ARCHITECTURE.md)`,
      })),
      // the sample and the benchmarks use the public API only
      ...['sample', 'bench'].map((dir) => ({
        target: `./${dir}`,
        from: './src',
        except: ['./index.ts'],
        message: `${dir}/ uses the public API only (import from '../src')`,
      })),
    ],
  }],
});

// --- small functions (issue 24): no function in src/ over 60 lines of code ---------
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  excludedFiles: ['src/imports/**'],
  rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
});

// --- generated CRD bindings -------------------------------------------------
project.addTask('import', {
  description: 'Regenerate src/imports/ from crds/ (offline, byte-identical)',
  exec: 'node scripts/import-crds.js',
});

// --- tests -------------------------------------------------------------------
// projen's default test task updates snapshots; ours fails on a missing or changed snapshot
const testTask = project.tasks.tryFind('test')!;
// ts-jest runs with isolatedModules (no type check), so type-check tests, sample and bench first
// incremental: a re-run type-checks only what changed (the build info lives outside git, in node_modules/.cache)
testTask.reset('tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/tsc/test.tsbuildinfo -p test/tsconfig.json');
testTask.exec('node scripts/run-tests.js', { receiveArgs: true });
testTask.spawn(project.tasks.tryFind('eslint')!);
project.tasks.tryFind('test:update')?.reset('jest --ci --updateSnapshot', { receiveArgs: true });
// the slow end-to-end checks (bench smoke run, WireGuard tunnels) and the full case counts of the
// slow properties (`slowRuns` in test/property/arbitraries.ts): not in `npm test`, run by .ci/run
const SLOW_PROPERTIES = ['helm', 'gitops', 'zero-trust', 'fleet'].map((f) => `test/property/${f}.test.ts`);
project.addTask('test:long', {
  description: 'The long tests (test/long: bench smoke run, WireGuard end-to-end; the slow properties at full case counts); ends with "N passed, N failed"',
  exec: `node scripts/run-tests.js test/long ${SLOW_PROPERTIES.join(' ')} --testPathIgnorePatterns=/node_modules/`,
  env: { JEST_RESULTS: 'test-reports/jest-long-results.json', JEST_JUNIT_OUTPUT_NAME: 'junit-long.xml', FC_LONG: '1' },
  receiveArgs: true,
});
project.addTask('test:property:long', {
  description: 'Property-based tests with 5000 cases per property and a random seed (FC_SEED=<n> replays)',
  exec: 'jest --ci test/property',
  env: { FC_RUNS: '5000', FC_SEED: 'random' },
  receiveArgs: true,
});
project.addTask('helm:fetch', {
  description: 'Fetch the real Helm 3.17 (helm), Helm 4.1 (helm4) and kubectl binaries into .cache/bin (outside git)',
  exec: 'node scripts/fetch-helm.js',
});
project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings as source (only js can be packaged here)',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go -o dist/bindings',
});

// --- main job: the sample ------------------------------------------------------
project.addTask('sample', {
  description: 'Synthesize the multi-region sample into dist/sample (manifests, Helm charts, kind configs, reachability report)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json sample/main.ts',
  receiveArgs: true,
});
project.addTask('bench', {
  description: 'Benchmarks: synthesis and analysis at fleet scale, against baselines measured in the same run',
  exec: 'ts-node --transpile-only --project test/tsconfig.json bench/main.ts',
  receiveArgs: true,
});

// eslint's project service picks the nearest tsconfig: give sample/ and bench/ their own
for (const dir of ['sample', 'bench', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
  });
}

for (const p of ['/dist/', '/.cache/', '/bench/', '/sample/', '/scripts/', '/.ci/']) project.addPackageIgnore(p);

project.synth();
