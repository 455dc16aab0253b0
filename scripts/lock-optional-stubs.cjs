// Usage: node scripts/lock-optional-stubs.cjs package-lock.json   (idempotent; .ci/run calls it before npm ci)
// Why: the npm registry reachable here answers 404 for native bindings of other platforms, so `npm install`
// leaves them out of the lock and `npm ci` then refuses the lock ("Missing: @unrs/resolver-binding-… from lock file").
// Adds platform-filtered stub entries for optional native bindings that the registry proxy here
// does not serve (other OS/CPU), so `npm ci`'s lock validation passes; npm skips them by os/cpu.
const fs = require('fs');
const file = process.argv[2];
const l = JSON.parse(fs.readFileSync(file, 'utf8'));
const plat = {
  'android-arm-eabi': ['android', 'arm'],
  'android-arm64': ['android', 'arm64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'freebsd-x64': ['freebsd', 'x64'],
  'linux-arm-gnueabihf': ['linux', 'arm', 'glibc'],
  'linux-arm-musleabihf': ['linux', 'arm', 'musl'],
  'linux-loong64-gnu': ['linux', 'loong64', 'glibc'],
  'linux-loong64-musl': ['linux', 'loong64', 'musl'],
  'linux-ppc64-gnu': ['linux', 'ppc64', 'glibc'],
  'linux-riscv64-gnu': ['linux', 'riscv64', 'glibc'],
  'linux-riscv64-musl': ['linux', 'riscv64', 'musl'],
  'linux-s390x-gnu': ['linux', 's390x', 'glibc'],
  'openharmony-arm64': ['openharmony', 'arm64'],
  'win32-arm64-msvc': ['win32', 'arm64'],
  'win32-ia32-msvc': ['win32', 'ia32'],
  'win32-x64-msvc': ['win32', 'x64'],
};
let added = 0;
for (const [k, v] of Object.entries(l.packages)) {
  for (const [dep, ver] of Object.entries(v.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (l.packages[key] || l.packages[`${k}/${key}`]) continue;
    const m = /^@unrs\/resolver-binding-(.+)$/.exec(dep);
    if (!m || !plat[m[1]]) {
      console.error(`unknown missing optional ${dep} (from ${k})`);
      continue;
    }
    const [os, cpu, libc] = plat[m[1]];
    l.packages[key] = {
      version: ver,
      cpu: [cpu],
      dev: v.dev,
      ...(libc ? { libc: [libc] } : {}),
      license: 'MIT',
      optional: true,
      os: [os],
    };
    added++;
  }
}
if (added === 0) process.exit(0);
l.packages = Object.fromEntries(
  Object.entries(l.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
fs.writeFileSync(file, JSON.stringify(l, null, 2) + '\n');
console.log(`added ${added}`);
