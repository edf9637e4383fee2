// Connects to one simulated instance with tedious and runs parameterized
// queries through sp_executesql, printing one JSON object on stdout for the
// Go test to check. Connection details come from the environment so the
// password never appears in process arguments:
//   SIM_HOST, SIM_PORT, SIM_PASSWORD, SIM_ENCRYPT (false | true | strict),
//   SIM_CA (PEM file to trust, for strict).
'use strict';

const fs = require('fs');
const { Connection, Request, TYPES } = require('tedious');

const mode = process.env.SIM_ENCRYPT || 'true';
const encrypt = mode === 'strict' ? 'strict' : mode === 'true';
const options = {
  port: Number(process.env.SIM_PORT),
  encrypt,
  trustServerCertificate: mode !== 'strict',
  connectTimeout: 15000,
  requestTimeout: 15000,
};
if (mode === 'strict') {
  options.cryptoCredentialsDetails = { ca: fs.readFileSync(process.env.SIM_CA) };
  options.serverName = 'localhost';
}

const connection = new Connection({
  server: process.env.SIM_HOST || '127.0.0.1',
  authentication: {
    type: 'default',
    options: { userName: 'sa', password: process.env.SIM_PASSWORD },
  },
  options,
});

function query(sql, params) {
  return new Promise((resolve, reject) => {
    const rows = [];
    const req = new Request(sql, (err) => (err ? reject(err) : resolve(rows)));
    for (const [name, type, value] of params) req.addParameter(name, type, value);
    req.on('row', (cols) => {
      const row = {};
      for (const c of cols) row[c.metadata.colName] = c.value;
      rows.push(row);
    });
    connection.execSql(req);
  });
}

function fail(err) {
  process.stdout.write(JSON.stringify({ error: String(err && (err.message || err)), number: err && err.number }) + '\n');
  process.exit(1);
}

connection.on('connect', async (err) => {
  if (err) return fail(err);
  try {
    const intRows = await query('SELECT @p AS v', [['p', TYPES.Int, 42]]);
    const strRows = await query('SELECT @p AS v', [['p', TYPES.NVarChar, "it's ☃"]]);
    const both = await query('SELECT @n AS n, @s AS s', [['n', TYPES.Int, -7], ['s', TYPES.NVarChar, 'HOST_A_cert']]);
    let errorNumber = null;
    try {
      await query('SELECT * FROM sys.no_such_view', []);
    } catch (e) {
      errorNumber = e.number;
    }
    process.stdout.write(JSON.stringify({ int: intRows, str: strRows, both, errorNumber }) + '\n');
    connection.close();
  } catch (e) {
    fail(e);
  }
});
connection.on('error', fail);
connection.connect();
