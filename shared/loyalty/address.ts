/**
 * The user's IP address as the throttle counts it: personal data, so it is only ever kept as a
 * hash (in the counter's row key) and never logged. An IPv6 address counts by its /64 prefix
 * (what one subscriber holds), an IPv4 address (or an IPv4-mapped IPv6 one) by itself. Text
 * that is no address (an unresolved `{Context:IPAddress}`, a typo) is no address: the call is
 * counted per email only, as a call without one.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

function ipv6Prefix(address: string): string | undefined {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  if (groups.length < 4) return undefined;
  return groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':');
}

/** The hash the throttle keys an address by, or undefined when the text is no IP address. */
export function addressKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // B2C may add the port ("203.0.113.7:51234"); an IPv6 address may come in brackets.
  let address = text.trim().replace(/^\[([^\]]+)\](?::\d+)?$/, '$1');
  if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.replace(/:\d+$/, '');
  address = address.replace(/%.*$/, ''); // zone index
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address)?.[1];
  let counted: string | undefined;
  if (mapped !== undefined && isIPv4(mapped)) counted = mapped;
  else if (isIPv4(address)) counted = address;
  else if (isIPv6(address))
    counted = ipv6Prefix(address.replace(/:(\d{1,3}\.){3}\d{1,3}$/, ':0:0'));
  if (counted === undefined) return undefined;
  return createHash('sha256').update(`b2c-claims-api/ip/${counted}`).digest('hex').slice(0, 32);
}
