// DuckDB harness for Loggia's interop tests: DuckDB is the independent Parquet implementation our files
// are checked against. See README.md for the value encoding.
//
//   node duckdb.mjs query "<sql>"   -> {"columns":[{"name","type"}...],"rows":[[...]...]} on stdout
//   node duckdb.mjs exec  "<sql>"   -> {"ok":true} on stdout
//
// Errors go to stderr with exit code 1. Rows are streamed chunk by chunk, never built into one string.

import { once } from 'node:events';
import {
  DuckDBArrayValue,
  DuckDBBitValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeTZValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  DuckDBUUIDValue,
} from '@duckdb/node-api';

/** The DuckDB type name: the alias when there is one (JSON), nested types spelled out recursively. */
function typeName(type) {
  if (type.alias) {
    return type.alias;
  }
  switch (type.typeId) {
    case DuckDBTypeId.MAP:
      return `MAP(${typeName(type.keyType)}, ${typeName(type.valueType)})`;
    case DuckDBTypeId.LIST:
      return `${typeName(type.valueType)}[]`;
    case DuckDBTypeId.ARRAY:
      return `${typeName(type.valueType)}[${type.length}]`;
    case DuckDBTypeId.STRUCT:
      return `STRUCT(${type.entryNames.map((n, i) => `${JSON.stringify(n)} ${typeName(type.entryTypes[i])}`).join(', ')})`;
    default:
      return type.toString();
  }
}

/** Shortest round-trip text of a double (JS number formatting), keeping -0 and the non-finite values. */
function encodeNumber(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Canonical, lossless JSON encoding of one DuckDB value (see README.md). */
function encode(value) {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      return encodeNumber(value);
    case 'string':
      return value;
    default:
      break;
  }
  if (value instanceof DuckDBBlobValue) return { base64: Buffer.from(value.bytes).toString('base64') };
  if (value instanceof DuckDBMapValue) return value.entries.map((e) => [encode(e.key), encode(e.value)]);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(encode);
  if (value instanceof DuckDBStructValue) {
    const result = {};
    for (const [k, v] of Object.entries(value.entries)) result[k] = encode(v);
    return result;
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) return value.nanos.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return value.micros.toString();
  if (value instanceof DuckDBTimestampMillisecondsValue) return value.millis.toString();
  if (value instanceof DuckDBTimestampSecondsValue) return value.seconds.toString();
  if (value instanceof DuckDBDateValue) return String(value.days);
  if (value instanceof DuckDBTimeValue) return value.micros.toString();
  if (value instanceof DuckDBTimeNSValue) return value.nanos.toString();
  if (value instanceof DuckDBTimeTZValue) return { micros: value.micros.toString(), offset: String(value.offset) };
  if (value instanceof DuckDBIntervalValue) {
    return { months: String(value.months), days: String(value.days), micros: value.micros.toString() };
  }
  if (value instanceof DuckDBUnionValue) return { tag: value.tag, value: encode(value.value) };
  if (value instanceof DuckDBDecimalValue || value instanceof DuckDBUUIDValue || value instanceof DuckDBBitValue) {
    return value.toString();
  }
  return String(value);
}

async function write(text) {
  if (!process.stdout.write(text)) {
    await once(process.stdout, 'drain');
  }
}

async function query(connection, sql) {
  const result = await connection.stream(sql);
  const columns = [];
  for (let i = 0; i < result.columnCount; i++) {
    columns.push({ name: result.columnName(i), type: typeName(result.columnType(i)) });
  }
  await write(`{"columns":${JSON.stringify(columns)},\n"rows":[`);
  let first = true;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const lines = [];
    for (const row of chunk.getRows()) {
      lines.push((first ? '\n' : ',\n') + JSON.stringify(row.map(encode)));
      first = false;
    }
    await write(lines.join(''));
  }
  await write('\n]}\n');
}

async function main(argv) {
  const [command, sql, ...rest] = argv;
  if ((command !== 'query' && command !== 'exec') || typeof sql !== 'string' || rest.length > 0) {
    throw new Error('usage: node duckdb.mjs query "<sql>" | node duckdb.mjs exec "<sql>"');
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    if (command === 'query') {
      await query(connection, sql);
    } else {
      await connection.run(sql);
      await write('{"ok":true}\n');
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`duckdb: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
