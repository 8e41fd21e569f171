// Sets the deployed gateway's secrets with `wrangler secret put NAME`, the value written to
// wrangler's stdin (never on a command line, never printed — except a generated
// ADMIN_TOKEN, shown once because the organiser needs it). Re-running keeps what is set.
import { WranglerError } from "./wrangler.mjs";

/** Names of the secrets the deployed Worker has; none when it isn't deployed yet. */
export async function listSecretNames(wrangler) {
  try {
    const list = await wrangler.json(["secret", "list", "--format", "json"]);
    return list.map((s) => s.name);
  } catch (error) {
    if (error instanceof WranglerError && /10007|does not exist|not found/i.test(`${error.stderr}${error.stdout}`)) return [];
    throw error;
  }
}

/**
 * Decides each secret's value: from `values` (the environment), else kept when already set,
 * else asked (interactive) or generated. Returns [{spec, action, value?}] where action is
 * put | keep | skip, and `generated` marks values made here. Throws listing every problem.
 */
export async function planSecrets({ specs, existing, values, prompter }) {
  const plan = [];
  const problems = [];
  for (const spec of specs) {
    const given = values[spec.name];
    const isSet = existing.includes(spec.name);
    let value;
    let generated = false;
    if (given !== undefined && given !== "") {
      value = given;
    } else if (prompter) {
      if (isSet && !(await prompter.confirm(`${spec.name} is already set on the Worker. Replace it?`, false))) {
        plan.push({ spec, action: "keep" });
        continue;
      }
      for (;;) {
        value = await prompter.ask(`${spec.name} — ${spec.question}`, { hidden: Boolean(spec.hidden) });
        if (value === "" && spec.generate) {
          value = spec.generate();
          generated = true;
        }
        if (value === "" && spec.required) {
          process.stderr.write(`  ${spec.name} is required.\n`);
          continue;
        }
        const reason = value === "" ? null : spec.check?.(value);
        if (!reason) break;
        process.stderr.write(`  That ${spec.name} won't work: ${reason}. Try again.\n`);
      }
    } else if (isSet) {
      plan.push({ spec, action: "keep" });
      continue;
    } else if (spec.generate && !spec.revealGenerated) {
      value = spec.generate();
      generated = true;
    } else if (spec.required) {
      problems.push(`${spec.name} is not set on the Worker: give it in the environment (${spec.name}=... npm run secrets -- --yes).`);
      continue;
    } else {
      value = "";
    }
    if (value === "") {
      plan.push({ spec, action: "skip" });
      continue;
    }
    const reason = spec.check?.(value);
    if (reason) problems.push(`${spec.name} won't work: ${reason}.`);
    else plan.push({ spec, action: "put", value, generated });
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return plan;
}

/** Puts each planned secret through stdin. Returns the lines to show the organiser. */
export async function applySecretPlan(wrangler, plan) {
  const report = [];
  for (const entry of plan) {
    const { spec, action } = entry;
    if (action === "put") {
      await wrangler.run(["secret", "put", spec.name], { input: entry.value });
      report.push(`${spec.name}: set${entry.generated ? " (generated)" : ""}`);
    } else if (action === "keep") {
      report.push(`${spec.name}: kept (already set)`);
    } else {
      report.push(`${spec.name}: ${spec.skipMeans ?? "not set"}`);
    }
  }
  return report;
}
