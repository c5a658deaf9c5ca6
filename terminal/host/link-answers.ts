/**
 * What the terminal's link servers share: error answers, texts cut to the
 * link's text8, and the one place where a failure while answering becomes
 * an error answer with a `LINK_ERROR` code (never a crash, never a secret).
 * @module
 */
import { isStoreError, type LinkAnswerBody } from '../../drivers/index.js';
import { LINK_ERROR, type LinkRequest } from '../../protocol/index.js';

/** Cut `text` to at most 255 UTF-8 bytes, on a character boundary (text8 on the link). */
export function fitText(text: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= 255) return text;
  let out = '';
  let size = 0;
  for (const char of text) {
    const n = encoder.encode(char).length;
    if (size + n > 255) break;
    out += char;
    size += n;
  }
  return out;
}

/** An error answer: a `LINK_ERROR` code and a text cut to 255 bytes. */
export function linkError(code: number, text: string): LinkAnswerBody {
  return { kind: 'error', code, text: fitText(text) };
}

/**
 * Answer `request` with `answer`; store errors become error answers with a
 * code (`not-found` → `notFound`, others `internal` with the code only),
 * argument errors `badRequest`, anything else `internal` with a fixed text
 * (no secret leaves).
 */
export async function answerSafely(request: LinkRequest, answer: (request: LinkRequest) => Promise<LinkAnswerBody>): Promise<LinkAnswerBody> {
  try {
    return await answer(request);
  } catch (caught) {
    if (isStoreError(caught)) {
      return caught.code === 'not-found' ? linkError(LINK_ERROR.notFound, caught.message) : linkError(LINK_ERROR.internal, `stockage: ${caught.code}`);
    }
    if (caught instanceof RangeError || caught instanceof TypeError) return linkError(LINK_ERROR.badRequest, `${request.kind}: ${caught.message}`);
    return linkError(LINK_ERROR.internal, `the ${request.kind} request failed on the terminal`);
  }
}
