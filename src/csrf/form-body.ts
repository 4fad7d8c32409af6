/**
 * How many bytes of a form body `checkCsrfRequest` reads looking for the token field. A body whose
 * field is not complete within them is refused as `missing`, and the rest is never read: an
 * attacker cannot make the check buffer a large upload. Forms should put the hidden `_csrf` input
 * first (browsers send fields in document order), or send the `x-csrf-token` header.
 */
export const CSRF_BODY_LIMIT = 64 * 1024;

/**
 * The string value of `field` in a `application/x-www-form-urlencoded` or `multipart/form-data`
 * body, read from a clone of `request` (the app can still read the body) and from at most
 * `CSRF_BODY_LIMIT` bytes of it. `undefined` when the field is absent from those bytes, is a file,
 * or the body cannot be read. Never throws.
 */
export async function formFieldOf(request: Request, contentType: string, field: string): Promise<string | undefined> {
  try {
    const head = await readHead(request.clone(), CSRF_BODY_LIMIT);
    if (head === undefined) return undefined;
    const value = /^multipart\/form-data/i.test(contentType)
      ? await multipartField(head, contentType, field)
      : urlencodedField(head, field);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first bytes of a body, and whether they are all of it. */
interface Head {
  bytes: Uint8Array<ArrayBuffer>;
  complete: boolean;
}

/** The first `limit` bytes of a body, and whether that was all of it; the stream is cancelled past the limit. */
async function readHead(request: Request, limit: number): Promise<Head | undefined> {
  const body = request.body;
  if (body === null) return undefined;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (!complete) reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    if (at === bytes.length) break;
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes, complete };
}

/** A urlencoded field; in a cut body only the pairs before the last `&` are whole. */
function urlencodedField({ bytes, complete }: Head, field: string): string | null {
  let end = bytes.length;
  if (!complete) {
    end = bytes.lastIndexOf(0x26); // '&'
    if (end === -1) return null;
  }
  return new URLSearchParams(new TextDecoder().decode(bytes.subarray(0, end))).get(field);
}

/** A multipart text field; a cut body is closed after its last whole part, and parsed by the platform. */
async function multipartField({ bytes, complete }: Head, contentType: string, field: string): Promise<FormDataEntryValue | null> {
  let body = bytes;
  if (!complete) {
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!boundary) return null;
    const delimiter = `\r\n--${boundary[1] ?? boundary[2]}`;
    // latin1 keeps one character per byte, so a string index is a byte index.
    const cut = new TextDecoder('latin1').decode(bytes).lastIndexOf(delimiter);
    if (cut <= 0) return null;
    const closing = new TextEncoder().encode(`${delimiter}--\r\n`);
    body = new Uint8Array(cut + closing.length);
    body.set(bytes.subarray(0, cut));
    body.set(closing, cut);
  }
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  return form.get(field);
}
