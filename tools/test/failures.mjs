// Prints the failed tests of the TRX files under a folder: name, message and the top of the stack.
// `./bourse test` calls it last, so that the end of a long CI log says what failed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const decode = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
const tag = (xml, name) => xml.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))?.[1];

const dir = process.argv[2];
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".trx"))) {
  const xml = readFileSync(join(dir, file), "utf8");
  for (const m of xml.matchAll(/<UnitTestResult\b[^>]*\btestName="([^"]*)"[^>]*\boutcome="Failed"[^>]*>([\s\S]*?)<\/UnitTestResult>/g)) {
    failed++;
    const message = decode(tag(m[2], "Message") ?? "").trim();
    const stack = decode(tag(m[2], "StackTrace") ?? "").trim().split("\n").slice(0, 8).join("\n");
    console.log(`\nFAILED ${decode(m[1])}\n${message}\n${stack}`);
  }
}
if (failed) console.log(`\n${failed} failed test(s).`);
