// Building blocks of the portal fuzz test: a raw HTTP/1.1 client (any path bytes, any body, a broken
// body on purpose), multipart bodies written byte by byte (so they can be cut, mismatched or hold bytes
// that are not UTF-8), and small ZIP archives written by hand (stored or deflated entries, any names,
// sizes that lie).
import { connect } from 'node:net';
import { deflateRawSync } from 'node:zlib';

/** One request as it goes on the wire. */
export interface RawRequest {
  method: string;
  /** The request target exactly as sent (already percent-encoded where wanted). */
  path: string;
  headers: [string, string][];
  body: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` and a broken chunk (no Content-Length). */
  badChunks?: boolean;
  /** Announce the whole body but send only this many bytes of it, then hang up (a client that gives up). */
  abortAfter?: number;
}

export interface RawResponse {
  /** The status, or null when no status line came back (see `error`). */
  status: number | null;
  /** The head of the response (status line and headers). */
  head: string;
  body: Buffer;
  error?: string;
}

/** Sends one request on a fresh connection (`Connection: close`) and reads the whole answer. */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      let all = Buffer.concat(chunks);
      // Interim answers ("100 Continue") come before the real one.
      while (/^HTTP\/1\.[01] 1\d\d /.test(all.subarray(0, 16).toString('latin1'))) {
        const interim = all.indexOf('\r\n\r\n');
        if (interim < 0) break;
        all = all.subarray(interim + 4);
      }
      const end = all.indexOf('\r\n\r\n');
      const head = (end >= 0 ? all.subarray(0, end) : all).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: status ? Number(status[1]) : null,
        head,
        body: end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0),
        ...(status ? {} : { error: error ?? 'no status line' }),
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // A server may answer before reading the whole body and close: keep reading what it said.
    socket.on('error', (err) => {
      if (chunks.length === 0 && !/EPIPE|ECONNRESET/.test(err.message)) finish(err.message);
    });
    socket.on('connect', () => {
      const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
      for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
      if (request.badChunks) lines.push('Transfer-Encoding: chunked');
      else if (request.body.length > 0 || request.method === 'POST') {
        lines.push(`Content-Length: ${request.body.length}`);
      }
      lines.push('Connection: close', '', '');
      socket.write(Buffer.from(lines.join('\r\n'), 'latin1'));
      if (request.abortAfter !== undefined) {
        socket.write(request.body.subarray(0, request.abortAfter));
        setTimeout(() => finish('client hung up'), 150);
      } else if (request.badChunks) {
        // A chunk size that is not hexadecimal, then the body.
        socket.write(Buffer.concat([Buffer.from('zz\r\n'), request.body, Buffer.from('\r\n0\r\n\r\n')]));
      } else if (request.body.length > 0) {
        socket.write(request.body);
      }
    });
  });
}

/** One part of a multipart body; every piece is bytes so it can be anything. */
export interface Part {
  name: Buffer;
  value: Buffer;
  /** A file part: its file name as sent (bytes, may be invalid UTF-8). */
  filename?: Buffer;
  /** The part's Content-Type header. */
  type?: string;
  /** More header lines, raw. */
  extraHeaders?: Buffer[];
}

const CRLF = Buffer.from('\r\n');

/** A multipart/form-data body with `boundary`; `final: false` leaves out the closing boundary. */
export function multipartBody(parts: Part[], boundary: string, final = true): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    out.push(Buffer.from(`--${boundary}\r\n`, 'latin1'));
    const disposition = [Buffer.from('Content-Disposition: form-data; name="'), part.name, Buffer.from('"')];
    if (part.filename) disposition.push(Buffer.from('; filename="'), part.filename, Buffer.from('"'));
    out.push(Buffer.concat(disposition), CRLF);
    if (part.type !== undefined) out.push(Buffer.from(`Content-Type: ${part.type}`, 'latin1'), CRLF);
    for (const header of part.extraHeaders ?? []) out.push(header, CRLF);
    out.push(CRLF, part.value, CRLF);
  }
  if (final) out.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(out);
}

/** application/x-www-form-urlencoded from bytes (each byte outside the unreserved set percent-encoded). */
export function urlencodedBody(fields: [Buffer, Buffer][]): Buffer {
  return Buffer.from(fields.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&'), 'latin1');
}

export function percentEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ZIP archives, written by hand (PKWARE APPNOTE): local headers, data, central directory, end record.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate the data (a "bomb": large content, small archive). */
  deflate?: boolean;
  /** Claim this uncompressed size in the headers instead of the real one. */
  claimedSize?: number;
}

export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const stored = entry.deflate ? deflateRawSync(entry.data, { level: 9 }) : entry.data;
    const crc = crc32(entry.data);
    const size = entry.claimedSize ?? entry.data.length;
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
