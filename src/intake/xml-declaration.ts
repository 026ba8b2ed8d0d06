/**
 * The optional `<?xml version="1.x" encoding="…" standalone="…"?>` at the very start of a document.
 * Only UTF-8 is accepted: the bytes were already decoded as UTF-8, so any other declared encoding
 * means the producer and this reader disagree about what the characters are.
 */
import { fail } from '../domain/checks.js';
import { XmlFailure, malformedAt } from './xml-failure.js';
import { SEP_XML } from './messages.js';

// No nested quantifiers: each whitespace run backtracks at most once, so this is linear.
const DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/;

const STARTS_DECLARATION = /^<\?xml[ \t\r\n?]/;

/** Returns the offset just after the declaration (0 when there is none); throws XmlFailure. */
export function readXmlDeclaration(text: string): number {
  if (!STARTS_DECLARATION.test(text)) return 0;
  const match = DECLARATION.exec(text);
  if (match === null) {
    throw malformedAt(text, 0, 'the XML declaration is not of the form <?xml version="1.0" encoding="UTF-8"?>', {
      expected: '<?xml version="1.0" encoding="UTF-8"?>',
    });
  }
  const encoding = match[1] ?? match[2];
  if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') {
    throw new XmlFailure(
      fail('XML-ENCODING', `The XML declaration names the encoding ${encoding}; only UTF-8 is accepted.`, SEP_XML.declaredEncoding(encoding), {
        expected: 'UTF-8',
        found: encoding,
      }),
    );
  }
  return match[0].length;
}
