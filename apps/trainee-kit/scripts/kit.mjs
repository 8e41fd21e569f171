#!/usr/bin/env node
// The organiser's offline kit command: writes the same ZIP the gateway serves at /kit.zip
// (same builder) and a printable QR code (SVG and PNG) for the room, with no gateway running.
//
//   npm run kit -w @ocg/trainee-kit -- --url https://gateway.example.org [--event-code CODE] [--qr-url URL] [--out DIR]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import QRCode from "qrcode";
import { KIT_ZIP_NAME, buildKitZip, gatewayUrlOf } from "../src/build-kit.mjs";
import { qrSvg } from "../src/qr.mjs";

const USAGE = `Usage: npm run kit -w @ocg/trainee-kit -- --url <gateway URL> [--event-code CODE] [--qr-url URL] [--out DIR]

  --url         the gateway's public address, filled into the kit's .env.example (required)
  --event-code  also fill in EVENT_CODE, so attendees type only their key and first name
  --qr-url      what the QR code opens (default: <url>/kit.zip, the gateway's own download)
  --out         the folder to write into (default: ./kit-out)`;

function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { url: { type: "string" }, "event-code": { type: "string" }, "qr-url": { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (error) {
    return usageError(error.message);
  }
  if (values.help) return console.log(USAGE);
  if (!values.url) return usageError("--url is required.");
  let gatewayUrl;
  try {
    gatewayUrl = gatewayUrlOf(values.url);
  } catch (error) {
    return usageError(error.message);
  }
  const qrUrl = values["qr-url"] ?? `${gatewayUrl}/kit.zip`;
  // npm runs scripts in this package's folder; INIT_CWD is where the organiser typed the command.
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? "kit-out");
  let zip;
  try {
    zip = buildKitZip({ gatewayUrl, eventCode: values["event-code"] });
  } catch (error) {
    return usageError(error.message);
  }
  return write(out, zip, qrUrl, gatewayUrl, values["event-code"]);
}

async function write(out, zip, qrUrl, gatewayUrl, eventCode) {
  mkdirSync(out, { recursive: true });
  const files = { zip: path.join(out, KIT_ZIP_NAME), svg: path.join(out, "kit-qr.svg"), png: path.join(out, "kit-qr.png") };
  writeFileSync(files.zip, zip);
  writeFileSync(files.svg, await qrSvg(qrUrl));
  await QRCode.toFile(files.png, qrUrl, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 1024 });
  console.log([
    `Kit for ${gatewayUrl}${eventCode ? ` (event code filled in)` : ""}:`,
    `  ${files.zip}  (${zip.length} bytes)`,
    `  ${files.svg}  QR code for ${qrUrl}`,
    `  ${files.png}  the same QR code, 1024 px, for printing`,
  ].join("\n"));
}

function usageError(message) {
  console.error(`${message}\n\n${USAGE}`);
  process.exitCode = 2;
}

main();
