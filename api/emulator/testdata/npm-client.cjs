// Drives the official @tursodatabase/api client against the local API.
// Run by TestOfficialNPMClient with BASE_URL (ending in /v1/) and TOKEN.
const assert = require("node:assert/strict");
const { createClient } = require("@tursodatabase/api");

const turso = createClient({ org: "demo", token: process.env.TOKEN, baseUrl: process.env.BASE_URL });

async function main() {
  const groups = await turso.groups.list();
  assert.ok(groups.some((g) => g.name === "default"), "default is listed");

  const g = await turso.groups.get("default");
  assert.equal(g.primary, "fra");

  const made = await turso.groups.create("npm-made", "aws-eu-west-1", { extensions: ["vector", "uuid"] });
  assert.equal(made.name, "npm-made");
  assert.deepEqual(made.locations, ["aws-eu-west-1"]);
  await turso.groups.create("npm-all", "lhr", { extensions: "all" });
  await turso.groups.create("npm-gone", "lhr");

  const added = await turso.groups.addLocation("npm-made", "aws-us-east-1");
  assert.deepEqual(added.locations, ["aws-eu-west-1", "aws-us-east-1"]);
  const removed = await turso.groups.removeLocation("npm-made", "aws-us-east-1");
  assert.deepEqual(removed.locations, ["aws-eu-west-1"]);

  // createToken sends its JSON body as text/plain.
  const tok = await turso.groups.createToken("npm-made", { expiration: "2w", authorization: "read-only" });
  assert.equal(tok.jwt.split(".").length, 3);
  // rotateTokens calls response.json(): the body must be JSON.
  await turso.groups.rotateTokens("npm-made");

  const deleted = await turso.groups.delete("npm-gone");
  assert.equal(deleted.name, "npm-gone");

  const locations = await turso.locations.list();
  assert.ok(locations.some((l) => l.code === "lhr" && l.description === "London, United Kingdom"));

  const dbs = await turso.databases.list({ group: "default" });
  assert.ok(dbs.length > 0 && dbs.every((d) => d.group === "default"), "databases filtered by group");

  // Errors arrive as TursoClientError with the server's message and status.
  await assert.rejects(turso.groups.get("nope"), (e) => e.name === "TursoClientError" && e.status === 404 && e.message === "group not found");
  await assert.rejects(turso.groups.create("npm-made", "lhr"), (e) => e.status === 409 && e.message === "group already exists");

  console.log("all npm client checks passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
