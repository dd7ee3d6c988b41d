// The jest test environment of this repository: Node's, plus one Map shared by every test file a
// jest worker runs (jest gives each test file fresh modules and a fresh global). test/util keeps
// its compiled schema validators there (see worker-cache.ts), so a worker compiles each once.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = new Map();

class WorkerCacheEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__cdk8sZeroTrustWorkerCache = SHARED;
  }
}

module.exports = WorkerCacheEnvironment;
