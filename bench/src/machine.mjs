// What machine a run was made on, so runs can be compared.
import os from "node:os";

export function describeMachine(extra) {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...extra,
  };
}
