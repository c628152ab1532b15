// Checks Kubernetes manifests against the Kubernetes API schema without a cluster, the way `kubectl apply
// --dry-run=server` or `kubeconform -strict` would, for machines that have neither a cluster nor the network those
// need: kubernetes-models' validators, compiled from the Kubernetes OpenAPI spec, check types, enums, formats and
// required fields; and, since that spec allows any extra field, a field the schema never looked at (a typo such as
// `completionsMode`, which the API server's strict field validation rejects) is reported as unknown.
//
//   npm ci --prefix experiments/jobs/kubernetes-validate
//   node experiments/jobs/kubernetes-validate/validate.mjs experiments/jobs/kubernetes-indexed-job.yaml
//
// Exit codes: 0 every document is valid, 1 some are not (each problem on its own line), 2 usage.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { runValidateFunc } from "@kubernetes-models/validate";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs MANIFEST.yaml...");
  process.exit(2);
}

const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The compiled schema of apiVersion/kind, named as kubernetes-models names the OpenAPI definitions (io.k8s.api.*). */
async function validatorFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const name = `IoK8sApi${pascal(group.split(".")[0])}${pascal(version)}${kind}`;
  try {
    return (await import(`kubernetes-models/_schemas/${name}`)).validate;
  } catch {
    return null;
  }
}

/** Wraps a parsed document so that every field the validator reads is recorded: the fields it never reads are unknown to the schema. */
function recordingReads(value, path, read) {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== "string") return Reflect.get(target, key, receiver);
      read.add(`${path}/${key}`);
      return recordingReads(Reflect.get(target, key, receiver), `${path}/${key}`, read);
    },
  });
}

function unreadFields(value, path, read, found) {
  if (value === null || typeof value !== "object") return found;
  for (const key of Object.keys(value)) {
    const at = `${path}/${key}`;
    if (read.has(at)) unreadFields(value[key], at, read, found);
    else found.push(at);
  }
  return found;
}

async function problemsOf(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return ["not a Kubernetes object (a YAML mapping)"];
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["apiVersion and kind are required"];
  const validate = await validatorFor(apiVersion, kind);
  if (!validate) return [`no schema for apiVersion '${apiVersion}', kind '${kind}'`];
  const read = new Set();
  try {
    runValidateFunc(validate, recordingReads(doc, "", read));
  } catch (e) {
    // Unknown fields are only meaningful once the known ones validate: a failed check may stop reading early.
    if (!Array.isArray(e.errors)) throw e;
    return e.errors.map((err) => {
      const allowed = err.params?.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
      return `${err.instancePath || "/"}: ${err.message}${allowed}`;
    });
  }
  return unreadFields(doc, "", read, []).map((at) => `${at}: unknown field (not in the ${apiVersion} ${kind} schema)`);
}

let invalid = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`);
    process.exit(2);
  }
  const docs = parseAllDocuments(text);
  let objects = 0;
  const invalidBefore = invalid;
  for (const [i, doc] of docs.entries()) {
    const where = docs.length > 1 ? `${file} (document ${i + 1})` : file;
    if (doc.errors.length > 0) {
      invalid++;
      for (const e of doc.errors) console.error(`${where}: YAML: ${e.message.split("\n")[0]}`);
      continue;
    }
    const obj = doc.toJS();
    // An empty document (a stray `---`) is no object; kubectl skips it too.
    if (obj === null) continue;
    objects++;
    const problems = await problemsOf(obj);
    if (problems.length === 0) {
      console.log(`${where}: ${obj.kind}/${obj.metadata?.name ?? ""} valid`);
      continue;
    }
    invalid++;
    for (const p of problems) console.error(`${where}: ${p}`);
  }
  if (objects === 0 && invalid === invalidBefore) {
    invalid++;
    console.error(`${file}: no Kubernetes object in it`);
  }
}
process.exit(invalid > 0 ? 1 : 0);
