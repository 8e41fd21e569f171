#!/usr/bin/env node
// The `ocg` executable: hands the command line to the dispatcher and exits with its code.
import { main } from "../src/cli.mjs";

process.exitCode = await main(process.argv.slice(2));
