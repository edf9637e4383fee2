// Connects to one simulated instance with tedious and reads the mirroring
// session of a database through sp_executesql (the database name is a
// parameter), printing the rows as JSON on stdout. Environment:
//   SIM_HOST, SIM_PORT, SIM_PASSWORD, SIM_DATABASE.
'use strict';

const { Connection, Request, TYPES } = require('tedious');

const connection = new Connection({
  server: process.env.SIM_HOST || '127.0.0.1',
  authentication: { type: 'default', options: { userName: 'sa', password: process.env.SIM_PASSWORD } },
  options: { port: Number(process.env.SIM_PORT), encrypt: true, trustServerCertificate: true, connectTimeout: 15000, requestTimeout: 15000 },
});

function fail(err) {
  process.stdout.write(JSON.stringify({ error: String(err && (err.message || err)), number: err && err.number }) + '\n');
  process.exit(1);
}

const sql = `SELECT d.name, m.mirroring_state_desc, m.mirroring_role_desc, m.mirroring_partner_name,
  m.mirroring_safety_level_desc
FROM sys.database_mirroring AS m JOIN sys.databases AS d ON d.database_id = m.database_id
WHERE d.name = @db`;

connection.on('connect', (err) => {
  if (err) return fail(err);
  const rows = [];
  const req = new Request(sql, (e) => {
    if (e) return fail(e);
    process.stdout.write(JSON.stringify({ rows }) + '\n');
    connection.close();
  });
  req.addParameter('db', TYPES.NVarChar, process.env.SIM_DATABASE);
  req.on('row', (cols) => {
    const row = {};
    for (const c of cols) row[c.metadata.colName] = c.value;
    rows.push(row);
  });
  connection.execSql(req);
});
connection.on('error', fail);
connection.connect();
