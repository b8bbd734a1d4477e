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

  // Databases: create in a group, get, usage (with and without a period),
  // delete; the npm client reshapes Name/DbId/Hostname to name/id/hostname.
  const db = await turso.databases.create("npm-db", { group: "npm-made" });
  assert.equal(db.name, "npm-db");
  assert.equal(db.hostname, "npm-db-demo.turso.io");
  assert.ok(db.id, "the new database has an id");
  const got = await turso.databases.get("npm-db");
  assert.equal(got.group, "npm-made");
  assert.equal(got.primaryRegion, "aws-eu-west-1");
  const usage = await turso.databases.usage("main");
  // (This month's rows may still be 0 in its first seconds; the size never is.)
  assert.ok(usage.total.rows_read >= 0 && usage.total.storage_bytes > 0, "main has usage this month");
  assert.equal(usage.instances.length, 2);
  // Dates go as toISOString(), with milliseconds.
  const hour = await turso.databases.usage("main", { from: new Date(Date.now() - 3600e3), to: new Date() });
  assert.ok(hour.total.rows_read > 0, "an hour of main's usage");
  const fresh = await turso.databases.usage("npm-db");
  assert.equal(fresh.total.rows_written, 0);
  await turso.databases.create("npm-db-gone", { group: "default" });
  await turso.databases.delete("npm-db-gone");
  await assert.rejects(turso.databases.get("npm-db-gone"), (e) => e.status === 404);
  await assert.rejects(turso.databases.create("npm-db", { group: "default" }), (e) => e.status === 409);
  await assert.rejects(turso.databases.create("npm-x", { group: "nope" }), (e) => e.status === 400 && e.message === "group not found");
  await assert.rejects(turso.databases.create("Bad_Name", { group: "default" }), (e) => e.status === 400);

  // Organizations: the call succeeds. The npm client reads
  // {"organizations": [...]}, while the spec (and so the local API) answers
  // a bare array, which it turns into [].
  const orgs = await turso.organizations.list();
  assert.ok(Array.isArray(orgs));

  // Errors arrive as TursoClientError with the server's message and status.
  await assert.rejects(turso.groups.get("nope"), (e) => e.name === "TursoClientError" && e.status === 404 && e.message === "group not found");
  await assert.rejects(turso.groups.create("npm-made", "lhr"), (e) => e.status === 409 && e.message === "group already exists");

  console.log("all npm client checks passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
